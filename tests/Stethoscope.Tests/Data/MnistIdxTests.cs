using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

public class MnistIdxTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_plain_and_gzip_folders_with_the_seed_normalisation(bool gzip)
    {
        using var temp = new TempDirectory();
        IdxFiles.WriteFolder(temp.Path, gzip);
        using var split = MnistIdx.Load(temp.Path);
        Assert.Equal(20, split.Train.Count);
        Assert.Equal(10, split.Test.Count);
        Assert.Equal(new Stethoscope.Models.InputShape(1, 28, 28), split.Train.Shape);
        // Test pixels are all 255: (1 - 0.1307) / 0.3081.
        Assert.Equal((1f - 0.1307f) / 0.3081f, split.Test.Images[0, 0, 5, 5].item<float>(), 5);
        // Training pixel 3 of image 0 is byte 3.
        Assert.Equal((3f / 255f - 0.1307f) / 0.3081f, split.Train.Images[0, 0, 0, 3].item<float>(), 5);
        Assert.Equal(new long[] { 0, 1, 2 }, split.Train.Labels[..3].data<long>().ToArray());
    }

    [Fact]
    public void Bundled_digits_are_8000_training_and_2000_test_digits_of_every_class()
    {
        using var split = BundledDigits.Load();
        Assert.Equal(8000, split.Train.Count);
        Assert.Equal(2000, split.Test.Count);
        Assert.Equal(10, split.Train.Labels.unique().Item1.numel());
        Assert.Equal(10, split.Test.Labels.unique().Item1.numel());
    }

    [Fact]
    public void Wrong_magic_number_names_the_file_and_the_number()
    {
        using var temp = new TempDirectory();
        IdxFiles.WriteFolder(temp.Path, gzip: false);
        File.WriteAllBytes(temp["train-images-idx3-ubyte"], IdxFiles.Images(20, 28, 28, _ => 0, magic: 0x1234));
        var error = Assert.Throws<DataFormatException>(() => MnistIdx.Load(temp.Path));
        Assert.Equal(temp["train-images-idx3-ubyte"], error.Path);
        Assert.Contains("magic number 0x00001234", error.Message);
    }

    [Fact]
    public void Truncated_images_file_is_refused()
    {
        using var temp = new TempDirectory();
        IdxFiles.WriteFolder(temp.Path, gzip: false);
        var bytes = File.ReadAllBytes(temp["t10k-images-idx3-ubyte"]);
        File.WriteAllBytes(temp["t10k-images-idx3-ubyte"], bytes[..^100]);
        var error = Assert.Throws<DataFormatException>(() => MnistIdx.Load(temp.Path));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Label_count_that_disagrees_with_the_image_count_is_refused()
    {
        using var temp = new TempDirectory();
        IdxFiles.WriteFolder(temp.Path, gzip: false);
        File.WriteAllBytes(temp["train-labels-idx1-ubyte"], IdxFiles.Labels(19));
        var error = Assert.Throws<DataFormatException>(() => MnistIdx.Load(temp.Path));
        Assert.Contains("holds 19 labels but train-images-idx3-ubyte holds 20 images", error.Message);
    }

    [Fact]
    public void Corrupt_gzip_and_missing_files_are_refused()
    {
        using var temp = new TempDirectory();
        IdxFiles.WriteFolder(temp.Path, gzip: true);
        var gz = File.ReadAllBytes(temp["train-labels-idx1-ubyte.gz"]);
        gz[12] ^= 0xff;
        gz[13] ^= 0xff;
        File.WriteAllBytes(temp["train-labels-idx1-ubyte.gz"], gz);
        Assert.Throws<DataFormatException>(() => MnistIdx.Load(temp.Path));

        File.Delete(temp["t10k-images-idx3-ubyte.gz"]);
        File.Delete(temp["train-labels-idx1-ubyte.gz"]);
        IdxFiles.WriteFolder(temp["other"], gzip: false);
        File.Delete(Path.Combine(temp["other"], "t10k-labels-idx1-ubyte"));
        var missing = Assert.Throws<DataFormatException>(() => MnistIdx.Load(temp["other"]));
        Assert.Contains("no t10k-labels-idx1-ubyte", missing.Message);
    }
}
