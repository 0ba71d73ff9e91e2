using System.Text;
using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

public class FashionMnistJsonTests
{
    /// <summary>Class c's image k has every pixel 10·c + k.</summary>
    static string Image(int c, int k) => "[" + string.Join(",", Enumerable.Repeat(10 * c + k, 784)) + "]";

    static void WriteClasses(string folder, int perClass, Func<int, string?>? replace = null)
    {
        Directory.CreateDirectory(folder);
        for (var c = 0; c < 10; c++)
        {
            var images = Enumerable.Range(0, perClass).Select(k => Image(c, k)).ToList();
            if (c == 0)
                images.Insert(1, "[]");
            File.WriteAllText(Path.Combine(folder, $"{c}.json"), replace?.Invoke(c) ?? "{\"data\":[" + string.Join(",", images) + "]}");
        }
    }

    [Fact]
    public void Splits_each_class_by_position_interleaves_the_classes_and_skips_empty_entries()
    {
        using var temp = new TempDirectory();
        WriteClasses(temp["clothes"], perClass: 3);
        Directory.CreateDirectory(temp["idx"]);
        FashionMnistJson.Convert(temp["clothes"], temp["idx"], imagesPerClass: 3, testPerClass: 1);
        var (trainPixels, trainLabels, shape) = MnistIdx.ReadPair(temp["idx/train-images-idx3-ubyte"], temp["idx/train-labels-idx1-ubyte"]);
        var (testPixels, testLabels, _) = MnistIdx.ReadPair(temp["idx/t10k-images-idx3-ubyte"], temp["idx/t10k-labels-idx1-ubyte"]);
        Assert.Equal(new Stethoscope.Models.InputShape(1, 28, 28), shape);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)(i % 10)), trainLabels);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (byte)i), testLabels);
        // Train image i: class i mod 10, its image i / 10; test: each class's last image (k = 2).
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)(10 * (i % 10) + i / 10)), Enumerable.Range(0, 20).Select(i => trainPixels[i * 784]));
        Assert.Equal(Enumerable.Range(0, 10).Select(c => (byte)(10 * c + 2)), Enumerable.Range(0, 10).Select(i => testPixels[i * 784 + 783]));
    }

    [Theory]
    [InlineData(2, "holds 2 images of 784 pixels; a class has 3")]
    [InlineData(4, "holds 4 images of 784 pixels; a class has 3")]
    public void A_class_with_another_number_of_images_is_refused(int perClass, string problem)
    {
        using var temp = new TempDirectory();
        WriteClasses(temp["clothes"], perClass);
        var error = Assert.Throws<DataFormatException>(() => FashionMnistJson.Convert(temp["clothes"], temp.Path, imagesPerClass: 3, testPerClass: 1));
        Assert.Equal($"{temp["clothes/0.json"]}: {problem}", error.Message);
    }

    [Theory]
    [InlineData("{\"data\":[[1,2,3]]}", "entry 0 has 3 pixels, not 784 (28x28)")]
    [InlineData("{\"data\":[[256]]}", "entry 0, pixel 0: 256 is not an integer 0..255")]
    [InlineData("{\"data\":[[0.5]]}", "entry 0, pixel 0: 0.5 is not an integer 0..255")]
    [InlineData("{\"data\":[[\"7\"]]}", "entry 0, pixel 0: \"7\" is not an integer 0..255")]
    [InlineData("{\"data\":[7]}", "entry 0 of \"data\" is not an array of pixels")]
    [InlineData("{\"pixels\":[]}", "has no \"data\" array of images")]
    [InlineData("[]", "expected an object")]
    public void A_class_file_that_is_not_images_of_784_bytes_is_refused(string json, string problem)
    {
        using var temp = new TempDirectory();
        WriteClasses(temp["clothes"], 3, replace: c => c == 5 ? json : null);
        var error = Assert.Throws<DataFormatException>(() => FashionMnistJson.Convert(temp["clothes"], temp.Path, imagesPerClass: 3, testPerClass: 1));
        Assert.Equal($"{temp["clothes/5.json"]}: {problem}", error.Message);
    }

    [Fact]
    public void Truncated_json_and_a_missing_class_file_are_refused_by_name()
    {
        using var temp = new TempDirectory();
        WriteClasses(temp["clothes"], 3);
        var path = temp["clothes/7.json"];
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^10]);
        var truncated = Assert.Throws<DataFormatException>(() => FashionMnistJson.Convert(temp["clothes"], temp.Path, imagesPerClass: 3, testPerClass: 1));
        Assert.StartsWith($"{path}: not valid JSON (", truncated.Message);
        File.Delete(path);
        var missing = Assert.Throws<DataFormatException>(() => FashionMnistJson.Convert(temp["clothes"], temp.Path, imagesPerClass: 3, testPerClass: 1));
        Assert.Equal($"{path}: missing (fashion-mnist's src/clothes holds 0.json … 9.json)", missing.Message);
        Assert.Empty(Directory.GetFiles(temp.Path));
    }
}
