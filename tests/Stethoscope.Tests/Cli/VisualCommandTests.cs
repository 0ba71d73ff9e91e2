using SkiaSharp;
using Stethoscope.Analysis;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Tests.Runs;
using Stethoscope.Training;
using static Stethoscope.Tests.Cli.CliInvocation;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Cli;

public class VisualCommandTests
{
    static string Train(TempDirectory temp, string name, params string[] extra)
    {
        string[] every = extra.Contains("--distributions-every") ? [] : ["--distributions-every", "2"];
        string[] args = ["train", "--data", "synthetic:64", "--max-steps", "6", "--batch-size", "16", "--device", "cpu", "--quiet", .. every, "--out", temp[name], .. extra];
        var (code, _, error) = Invoke(args);
        Assert.True(code == 0, error);
        return temp[name];
    }

    // Each figure is a sheet of fixed-size panels (PlotSheet): its size follows from the panel size, the number of
    // panels and columns. The seed network has four weighted layers (conv1, conv2, fc1, fc2).
    const int Layers = 4;

    static void AssertPngSizes(string folder, params (string Name, int Width, int Height)[] figures)
    {
        foreach (var (name, width, height) in figures)
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(folder, name));
            Assert.True(bitmap is not null, name);
            Assert.Equal((name, width, height), (name, bitmap.Width, bitmap.Height));
        }
    }

    [Fact]
    public void Plot_draws_every_training_figure_and_the_run_records_histograms_and_filter_images()
    {
        using var temp = new TempDirectory();
        var run = new RunFolder(Train(temp, "run"));
        var (code, output, error) = Invoke("plot", run.Root);
        Assert.Equal((0, ""), (code, error));
        string[] expected = ["curves.png", "gradient-norms.png", "activations.png", "distributions.png", "update-ratios.png", "weight-heatmaps.png"];
        Assert.Equal(expected.Select(n => Path.Combine(run.Figures, n)), output.Trim().Split('\n').Select(l => l.Trim()));
        AssertPngSizes(run.Figures,
            ("curves.png", 1000, 2 * 340), // loss and accuracy panels
            ("gradient-norms.png", 1000, 260), // one run's trace
            ("activations.png", 1100, 3 * (110 + 3 * 26)), // dead units, zeros and std panels, a row per ReLU
            ("distributions.png", 2 * 560, Layers * 230), // weights and gradients side by side, a row per layer
            ("update-ratios.png", 1000, 320),
            ("weight-heatmaps.png", 1000, Layers * 240));
        var events = EventFileReader.Read(Directory.GetFiles(run.TensorBoard, "events.out.tfevents.*").Single());
        var histograms = events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value).Where(v => v.Histo is not null).ToArray();
        Assert.Contains(histograms, v => v.Tag == "weights/conv1");
        Assert.Contains(histograms, v => v.Tag == "gradients/fc2");
        var conv1 = histograms.First(v => v.Tag == "weights/conv1").Histo;
        Assert.Equal(500, conv1.Bucket.Sum());
        Assert.Equal(500, conv1.Num);
        var images = EventFileReader.Read(Directory.GetFiles(run.TensorBoardFilters).Single()).Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value).ToArray();
        Assert.Equal("filters/conv1", images[0].Tag);
        using var png = SKBitmap.Decode(images[^1].Image.EncodedImageString.ToByteArray());
        Assert.Equal((images[^1].Image.Width, images[^1].Image.Height), (png.Width, png.Height));
        var csv = MetricsCsv.Open(run.MetricsCsv);
        Assert.DoesNotContain(csv.Columns, c => c.StartsWith("dist/", StringComparison.Ordinal));
    }

    [Fact]
    public void Plot_without_distributions_draws_curves_and_norms_only()
    {
        using var temp = new TempDirectory();
        var run = Train(temp, "run", "--distributions-every", "0", "--activations-every", "0");
        var (code, output, _) = Invoke("plot", run);
        Assert.Equal(0, code);
        Assert.Equal(2, output.Trim().Split('\n').Length);
        Assert.False(File.Exists(new RunFolder(run).Activations));
        Assert.False(Directory.Exists(new RunFolder(run).Weights));
    }

    [Fact]
    public void Compare_overlays_runs_labelled_by_what_differs()
    {
        using var temp = new TempDirectory();
        var good = Train(temp, "good", "--lr", "0.01");
        var huge = Train(temp, "huge", "--lr", "100", "--on-divergence", "continue");
        var (code, output, error) = Invoke("compare", good, huge, "--out", temp["compare"]);
        Assert.Equal((0, ""), (code, error));
        Assert.Contains("lr 0.01", output);
        Assert.Contains("lr 100", output);
        // The train/test gap: the mean batch accuracy of the last epoch against the final test accuracy.
        var metrics = MetricsCsv.Open(new RunFolder(good).MetricsCsv);
        var rows = metrics.Rows().ToList();
        var train = rows.Where(r => r.Epoch == rows[^1].Epoch).Average(r => (double)r.Values[metrics.IndexOf("accuracy")]);
        var test = RunManifest.Read(new RunFolder(good).RunJson).Final!.TestAccuracy!.Value;
        Assert.Contains($"{100 * (train - test):0.00} points", output);
        AssertPngSizes(temp["compare"],
            ("curves.png", 1000, 2 * 340), // both runs overlaid
            ("gradient-norms.png", 1000, Layers * 240), // a panel per layer, both runs overlaid
            ("distributions.png", 2 * 2 * 420, Layers * 230), // weights and gradients of each run side by side
            ("weight-heatmaps.png", 2 * 640, Layers * 240)); // the runs side by side
        Assert.Contains("at least two runs", AssertOneLineError(1, Invoke("compare", good, "--out", temp["one"])));
        Assert.Contains("/no/such: no such run folder", AssertOneLineError(1, Invoke("compare", good, "/no/such", "--out", temp["missing"])));
        Assert.False(Directory.Exists(temp["one"]) || Directory.Exists(temp["missing"]));
    }

    [Fact]
    public void Run_labels_name_only_the_settings_that_differ()
    {
        using var temp = new TempDirectory();
        var a = RunManifest.Read(new RunFolder(Train(temp, "a")).RunJson);
        var b = a with { Name = "b", Config = a.Config with { LearningRate = 1.0, BatchSize = 256 } };
        Assert.Equal(["lr 0.01, batch 16", "lr 1, batch 256"], RunLabels.Of([a, b]));
        Assert.Equal(["a", "b"], RunLabels.Of([a, a with { Name = "b" }]));
    }

    [Fact]
    public void A_vertical_edge_filter_lights_up_the_edge_of_a_hand_built_image()
    {
        using var model = new LayerStackBuilder("edge", new InputShape(1, 8, 8)).Conv("conv", 1, 3).Build(Objective.None);
        using (no_grad())
        {
            model.Layers[0].Weight!.copy_(tensor(new float[] { -1, 0, 1, -1, 0, 1, -1, 0, 1 }).view(1, 1, 3, 3));
            model.Layers[0].Module.named_parameters().First(p => p.name == "bias").parameter.zero_();
        }
        // Dark left half, bright right half: the edge lies between columns 3 and 4.
        using var image = cat([zeros(1, 8, 4), ones(1, 8, 4)], 2);
        using var maps = FeatureMaps.Of(model, image, "conv", Devices.Resolve(DeviceChoice.Cpu));
        Assert.Equal(new long[] { 1, 6, 6 }, maps.shape);
        var row = maps[0, 0].data<float>().ToArray();
        Assert.Equal(new float[] { 0, 0, 3, 3, 0, 0 }, row);
        using var bitmap = FeatureMapGrid.Render(image, maps, "edge");
        // The 6x6 map is enlarged 10 times (tiles are at least 56 px) under a 26 px title, with a 19 px caption: the
        // grid is 60 x 105. The 8x8 input beside it is enlarged 105 / 2 / 8 = 6 times and followed by 16 px: 64 px.
        Assert.Equal((64 + 60, 105), (bitmap.Width, bitmap.Height));
        // Map columns 2 and 3 (value 3, the maximum) are white, the rest (0, the minimum) black; the input's right
        // half is white.
        for (var column = 0; column < 6; column++)
            Assert.Equal(row[column] == 3 ? SKColors.White : SKColors.Black, bitmap.GetPixel(64 + 10 * column + 5, 26 + 35));
        Assert.Equal((SKColors.Black, SKColors.White), (bitmap.GetPixel(3 * 6 + 3, 30 + 20), bitmap.GetPixel(4 * 6 + 3, 30 + 20)));
    }

    [Fact]
    public void Activations_draws_a_test_sample_and_an_image_of_another_size()
    {
        using var temp = new TempDirectory();
        var run = Train(temp, "run");
        var (code, output, error) = Invoke("activations", run, "--sample", "3", "--layer", "relu2");
        Assert.Equal((0, ""), (code, error));
        // relu2 of the seed network on a 28x28 digit: 50 maps of 8x8, each enlarged 7 times (56 px), in 8 columns
        // and 7 rows of 60 x 79 px cells under a 26 px title (476 x 575, wider if the title is: 13 px text and 4 px);
        // the digit beside it enlarged 575 / 2 / 28 = 10 times, then 16 px.
        const string title = "run: relu2 for sample3 (28x28 px): 50 maps of 8x8, each scaled on its own";
        using var font = new SKFont(SKTypeface.Default, 13);
        var grid = Math.Max(476, (int)font.MeasureText(title) + 4);
        AssertPngSizes(Path.GetDirectoryName(output.Trim())!, (Path.GetFileName(output.Trim()), 280 + 16 + grid, 575));
        using (var big = new SKBitmap(313, 250))
        {
            using var canvas = new SKCanvas(big);
            canvas.Clear(SKColors.Black);
            canvas.DrawCircle(150, 120, 60, new SKPaint { Color = SKColors.White });
            using var data = big.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(temp["big.png"], data.ToArray());
        }
        (code, output, error) = Invoke("activations", run, "--image", temp["big.png"], "--out", temp["big-maps.png"]);
        Assert.Equal((0, ""), (code, error));
        using var maps = SKBitmap.Decode(temp["big-maps.png"]);
        // conv1 (20 kernels of 5x5) on a 313x250 image: 20 maps of 309x246 at scale 1, in 5 columns and 4 rows of
        // 313 x 269 px cells under the title (1561 x 1098); the image beside it at scale 1, then 16 px.
        Assert.Equal((313 + 16 + 1561, 1098), (maps.Width, maps.Height));
        Assert.Contains("exactly one input", AssertOneLineError(2, Invoke("activations", run)));
        Assert.Contains("layers with maps: conv1", AssertOneLineError(1, Invoke("activations", run, "--sample", "0", "--layer", "fc1")));
        Assert.Contains("valid layers: conv1", AssertOneLineError(1, Invoke("activations", run, "--sample", "0", "--layer", "nope")));
        Assert.Contains("outside the run's test split", AssertOneLineError(2, Invoke("activations", run, "--sample", "100000")));
        Assert.Contains("no such image file", AssertOneLineError(1, Invoke("activations", run, "--image", temp["none.png"])));
    }
}
