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

    static void AssertPngs(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            using var bitmap = SKBitmap.Decode(path);
            Assert.True(bitmap is { Width: > 100, Height: > 100 }, path);
        }
    }

    [Fact]
    public void Plot_draws_every_training_figure_and_the_run_records_histograms_and_filter_images()
    {
        using var temp = new TempDirectory();
        var run = new RunFolder(Train(temp, "run"));
        var (code, output, error) = Invoke("plot", run.Root);
        Assert.Equal((0, ""), (code, error));
        string[] expected = ["curves.png", "gradient-norms.png", "distributions.png", "update-ratios.png", "weight-heatmaps.png"];
        Assert.Equal(expected.Select(n => Path.Combine(run.Figures, n)), output.Trim().Split('\n').Select(l => l.Trim()));
        AssertPngs(expected.Select(n => Path.Combine(run.Figures, n)));
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
        var run = Train(temp, "run", "--distributions-every", "0");
        var (code, output, _) = Invoke("plot", run);
        Assert.Equal(0, code);
        Assert.Equal(2, output.Trim().Split('\n').Length);
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
        AssertPngs(new[] { "curves.png", "gradient-norms.png", "distributions.png", "weight-heatmaps.png" }.Select(n => Path.Combine(temp["compare"], n)));
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
        Assert.Equal(["lr 0.05, batch 16", "lr 1, batch 256"], RunLabels.Of([a, b]));
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
        Assert.True(bitmap.Width > 56 && bitmap.Height > 56);
    }

    [Fact]
    public void Activations_draws_a_test_sample_and_an_image_of_another_size()
    {
        using var temp = new TempDirectory();
        var run = Train(temp, "run");
        var (code, output, error) = Invoke("activations", run, "--sample", "3", "--layer", "relu2");
        Assert.Equal((0, ""), (code, error));
        AssertPngs([output.Trim()]);
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
        Assert.True(maps.Width > 313, $"{maps.Width}");
        Assert.Contains("exactly one input", AssertOneLineError(2, Invoke("activations", run)));
        Assert.Contains("layers with maps: conv1", AssertOneLineError(1, Invoke("activations", run, "--sample", "0", "--layer", "fc1")));
        Assert.Contains("valid layers: conv1", AssertOneLineError(1, Invoke("activations", run, "--sample", "0", "--layer", "nope")));
        Assert.Contains("outside the run's test split", AssertOneLineError(2, Invoke("activations", run, "--sample", "100000")));
        Assert.Contains("no such image file", AssertOneLineError(1, Invoke("activations", run, "--image", temp["none.png"])));
    }
}
