using SkiaSharp;
using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

public class ImageFolderTests
{
    static void WritePng(string path, int size, SKColor color)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(color);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void One_subfolder_per_class_with_every_fifth_image_held_out()
    {
        using var temp = new TempDirectory();
        for (var i = 0; i < 5; i++)
        {
            WritePng(Path.Combine(temp.Path, "cats", $"{i}.png"), 8, new SKColor(255, 0, 0));
            WritePng(Path.Combine(temp.Path, "dogs", $"{i}.png"), 8, new SKColor(0, 0, 255));
        }
        using var split = ImageFolder.Load(temp.Path);
        Assert.Equal(8, split.Train.Count);
        Assert.Equal(2, split.Test.Count);
        Assert.Equal(new Stethoscope.Models.InputShape(3, 8, 8), split.Train.Shape);
        Assert.Equal(2, split.Train.Classes);
        // Red cats, blue dogs: the red channel separates the classes after normalisation.
        Assert.True(split.Train.Images[0, 0, 0, 0].item<float>() > split.Train.Images[4, 0, 0, 0].item<float>());
        Assert.Equal(new long[] { 0, 1 }, split.Test.Labels.data<long>().ToArray());
    }

    [Fact]
    public void An_image_of_another_size_or_an_undecodable_file_is_named()
    {
        using var temp = new TempDirectory();
        for (var i = 0; i < 5; i++)
        {
            WritePng(Path.Combine(temp.Path, "a", $"{i}.png"), 8, SKColors.White);
            WritePng(Path.Combine(temp.Path, "b", $"{i}.png"), 8, SKColors.Black);
        }
        WritePng(Path.Combine(temp.Path, "b", "9.png"), 9, SKColors.Black);
        var size = Assert.Throws<DataFormatException>(() => ImageFolder.Load(temp.Path));
        Assert.EndsWith("9.png", size.Path);
        Assert.Contains("9x9 px", size.Message);

        File.WriteAllText(Path.Combine(temp.Path, "b", "9.png"), "not a png");
        Assert.Contains("decode", Assert.Throws<DataFormatException>(() => ImageFolder.Load(temp.Path)).Message);
    }

    [Fact]
    // An unknown kind is a value of --data, so an option error (exit code 2).
    public void Unknown_data_kinds_list_the_valid_ones()
    {
        var error = Assert.Throws<InvalidOptionException>(() => DataSource.Load("imagenet:/x"));
        Assert.Contains(DataSource.Forms, error.Message);
    }
}
