using Stethoscope.Data;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Data;

/// <summary>
/// <c>--data mnist</c>, <c>--data fashion-mnist</c> and <c>data get</c> against a data cache moved into a temporary folder
/// with <see cref="DataCache.Variable"/>. The variable is the process's, so every test that sets it is in this class
/// (xunit runs a class's tests one at a time).
/// </summary>
public class DataCacheCommandTests
{
    static T WithCache<T>(string root, Func<T> body)
    {
        var before = Environment.GetEnvironmentVariable(DataCache.Variable);
        Environment.SetEnvironmentVariable(DataCache.Variable, root);
        try
        {
            return body();
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataCache.Variable, before);
        }
    }

    [Theory]
    [InlineData("train", "mnist")]
    [InlineData("train", "fashion-mnist:6000/2000")]
    [InlineData("seed-sounds", "mnist")]
    public void Without_the_cache_the_data_is_one_line_saying_which_command_fetches_it(string command, string data)
    {
        using var temp = new TempDirectory();
        var name = data.Split(':')[0];
        var result = WithCache(temp["cache"], () => Invoke(command, "--data", data, "--out", temp["run"]));
        var error = AssertOneLineError(1, result);
        Assert.Contains($"error: {name} is not in the data cache ({Path.Combine(temp["cache"], name)}); run `stethoscope data get {name}` first", error);
        Assert.False(Directory.Exists(temp["run"]));
    }

    [Fact]
    public void Data_get_refuses_a_damaged_copy_with_what_is_wrong_and_how_to_fix_it_and_leaves_it_alone()
    {
        using var temp = new TempDirectory();
        var folder = Directory.CreateDirectory(Path.Combine(temp["cache"], "mnist")).FullName;
        var images = Path.Combine(folder, "train-images-idx3-ubyte");
        File.WriteAllBytes(images, IdxFiles.Images(60_000, 28, 28, _ => 0, magic: 0x0803)[..1000]);
        var error = AssertOneLineError(1, WithCache(temp["cache"], () => Invoke("data", "get", "mnist")));
        Assert.Contains($"the cached mnist is incomplete or damaged: {images} is 1,000 bytes, not 47,040,016; run `stethoscope data get mnist --force` or delete {folder}", error);
        Assert.Equal(1000, new FileInfo(images).Length);
        var training = AssertOneLineError(1, WithCache(temp["cache"], () => Invoke("train", "--data", "mnist", "--out", temp["run"])));
        Assert.Contains("--force` or delete", training);
    }

    [Theory]
    [InlineData("cifar10")]
    [InlineData("")]
    public void Data_get_of_an_unknown_set_is_a_usage_error_listing_the_known_ones(string name)
    {
        using var temp = new TempDirectory();
        var error = AssertOneLineError(2, WithCache(temp["cache"], () => Invoke("data", "get", name)));
        Assert.Contains("mnist", error);
        Assert.Contains("fashion-mnist", error);
        Assert.False(Directory.Exists(temp["cache"]));
    }

    [Theory]
    [InlineData("fashion-mnist:0", "after the colon give the number of training images, or TRAIN/TEST")]
    [InlineData("fashion-mnist:100/", "after the colon give the number of training images, or TRAIN/TEST")]
    [InlineData("fashion-mnist:1/2/3", "after the colon give the number of training images, or TRAIN/TEST")]
    [InlineData("fashion-mnist:", "is not one of")]
    [InlineData("fashion-mnist:many", "after the colon give the number of training images, or TRAIN/TEST")]
    public void Counts_after_a_cached_set_are_checked_before_the_cache_is_read(string data, string problem)
    {
        using var temp = new TempDirectory();
        var error = AssertOneLineError(2, WithCache(temp["cache"], () => Invoke("train", "--data", data, "--out", temp["run"])));
        Assert.Contains($"data '{data}'", error);
        Assert.Contains(problem, error);
    }

    [Fact]
    public void A_subset_takes_the_first_images_of_each_split_and_refuses_more_than_there_are()
    {
        using var temp = new TempDirectory();
        var (small, cache) = CachedDatasetTests.Fetched(temp);
        var subset = new SplitSubset(12, 4);
        using (var split = subset.Of(small.Dataset.Load(cache), "small:12/4"))
        {
            Assert.Equal((12, 4), (split.Train.Count, split.Test.Count));
            Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)(i % 10)), split.Train.Labels.data<long>().ToArray());
        }
        using (var whole = new SplitSubset(20, null).Of(small.Dataset.Load(cache), "small:20"))
            Assert.Equal((20, 10), (whole.Train.Count, whole.Test.Count));
        var error = Assert.Throws<InvalidOptionException>(() => new SplitSubset(21, null).Of(small.Dataset.Load(cache), "small:21"));
        Assert.Equal("data 'small:21': the training split holds 20 images and the test split 10; ask for at most that many", error.Message);
    }
}
