using SkiaSharp;
using Stethoscope.Models;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Cli;

public class HypercolumnsCommandTests
{
    [Fact]
    public void A_trained_run_gives_average_and_cluster_maps_and_the_saved_tensor()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, Invoke("train", "--data", "synthetic:64", "--max-steps", "3", "--batch-size", "16", "--device", "cpu", "--quiet", "--out", temp["run"]).Code);
        var (code, output, error) = Invoke("hypercolumns", temp["run"], "--sample", "2", "--layers", "conv1,fc1", "--clusters", "3", "--save", "--out", temp["hc"], "--device", "cpu");
        Assert.Equal((0, ""), (code, error));
        Assert.StartsWith("520 features × 28x28 px from conv1, fc1", output);
        // 28 px enlarged 16 times under a 26 px title line; as wide as the title where it is wider (13 px text, 4 px).
        using var font = new SKFont(SKTypeface.Default, 13);
        foreach (var (name, title) in new[] { ("average.png", "mean of 520 features (conv1, fc1) per pixel"), ("clusters.png", "k-means, 3 clusters of the pixels' 520-feature hypercolumns") })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(temp["hc"], name));
            Assert.Equal((name, Math.Max(448, (int)font.MeasureText(title) + 4), 448 + 26), (name, bitmap.Width, bitmap.Height));
        }
        var saved = Safetensors.Read(Path.Combine(temp["hc"], "hypercolumns.safetensors"));
        Assert.Equal(new long[] { 520, 28, 28 }, saved["hypercolumns"].shape);
    }

    [Fact]
    public void A_model_with_weights_from_a_file_reads_an_image()
    {
        using var temp = new TempDirectory();
        using (var model = (LayerStack)MnistNet.Recipe.Create(new ModelRequest(new InputShape(1, 28, 28)), seed: 3))
            WeightFile.Save(model, temp["w.safetensors"]);
        using (var image = new SKBitmap(40, 30))
        {
            using var canvas = new SKCanvas(image);
            canvas.Clear(SKColors.Black);
            canvas.DrawRect(10, 5, 12, 20, new SKPaint { Color = SKColors.White });
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(temp["digit.png"], png.ToArray());
        }
        var (code, output, error) = Invoke("hypercolumns", "--model", "mnist-net", "--weights", temp["w.safetensors"], "--image", temp["digit.png"], "--layers", "conv2", "--no-normalize", "--out", temp["hc"], "--device", "cpu");
        Assert.Equal((0, ""), (code, error));
        Assert.StartsWith("50 features × 28x28 px from conv2", output);
    }

    [Theory]
    [InlineData(2, "give exactly one input", "hypercolumns", "--model", "mnist-net")]
    [InlineData(2, "--sample needs a RUN", "hypercolumns", "--model", "mnist-net", "--sample", "1")]
    [InlineData(1, "no such image file", "hypercolumns", "--model", "mnist-net", "--image", "/no/such.png")]
    [InlineData(1, "no such safetensors file", "hypercolumns", "--model", "mnist-net", "--weights", "/no/such.safetensors", "--image", "/no/such.png")]
    [InlineData(1, "unknown model 'resnet'", "hypercolumns", "--model", "resnet", "--image", "/no/such.png")]
    public void Bad_input_is_one_error_line(int code, string expected, params string[] args)
    {
        using var temp = new TempDirectory();
        Assert.Contains(expected, AssertOneLineError(code, Invoke([.. args, "--out", temp["hc"]])));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Weights_of_another_model_are_refused_with_what_does_not_fit()
    {
        using var temp = new TempDirectory();
        using (var stack = (LayerStack)ErfStack.Recipe.Create(new ModelRequest(new InputShape(1, 28, 28)), seed: 0))
            WeightFile.Save(stack, temp["stack.safetensors"]);
        var error = AssertOneLineError(1, Invoke("hypercolumns", "--model", "mnist-net", "--weights", temp["stack.safetensors"], "--image", temp["x.png"], "--out", temp["hc"]));
        Assert.Contains("does not fit mnist-net for input 1x28x28: missing: fc1.weight, fc1.bias, … (4 in all); unexpected: conv3.bias, conv3.weight, … (6 in all)", error);
        Assert.Contains("mis-shaped: conv1.weight [1x1x3x3] where the model has [20x1x5x5]", error);
    }
}
