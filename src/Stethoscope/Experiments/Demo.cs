using Stethoscope.Analysis;
using Stethoscope.Data;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Report;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Experiments;

/// <summary>What the demo made: the run, how training ended, the figures and the report page.</summary>
public sealed record DemoResult(RunFolder Run, TrainingResult Training, IReadOnlyList<string> Figures, string Report);

/// <summary>
/// Everything Stethoscope does, once, on the bundled digits: the seed network trained with every probe (batch
/// accuracy, gradient norms, distributions) and its gradient sound; then the training figures, conv1's filters and
/// batch gradients, the feature maps of test digit 0 in conv1 and conv2, the effective receptive field at the first
/// and last checkpoint, the hypercolumn clusters of that digit, and the report page that ties them together.
/// </summary>
public static class Demo
{
    public const int TestDigit = 0;

    /// <summary>Runs the demo into <paramref name="folder"/>; <paramref name="progress"/> hears each stage as it starts
    /// and <paramref name="observers"/> watch the training (a progress bar).</summary>
    public static DemoResult Run(string folder, Action<string>? progress = null, IReadOnlyList<ITrainingObserver>? observers = null, CancellationToken cancel = default)
    {
        var device = Devices.Resolve(DeviceChoice.Auto);
        using var digits = BundledDigits.Load();
        var run = RunFolder.Create(folder);
        progress?.Invoke("training the seed network with every probe and its sound");
        var training = Train(run, digits, observers ?? [], cancel);
        var figures = new List<string>();
        progress?.Invoke("drawing the training figures");
        figures.AddRange(TrainingFigures.Render(run));
        if (training.Status is RunStatus.Interrupted or RunStatus.Failed)
            return new DemoResult(run, training, figures, RunReport.Write(run));
        var checkpoint = RunCheckpoint.Open(run.Root);
        using var model = checkpoint.Load();
        model.to(device);
        progress?.Invoke("drawing filters, gradients and feature maps");
        figures.AddRange(Filters(run, model, digits, device));
        figures.AddRange(FeatureMapFigures(run, model, digits, device));
        progress?.Invoke("measuring the effective receptive field at the start and the end");
        var erf = ErfComparison.Measure(run, new ErfSettings(Samples: 64), ErfInputKind.Data, device);
        figures.Add(Save(Path.Combine(run.Figures, "erf.png"), path => ErfFigure.SavePng([new ErfPanel("initial", erf.Initial), new ErfPanel("final", erf.Final)], path)));
        progress?.Invoke("clustering the hypercolumns of a test digit");
        figures.AddRange(HypercolumnClusters(run, model, digits, device));
        progress?.Invoke("writing the report");
        return new DemoResult(run, training, figures, RunReport.Write(run));
    }

    static TrainingResult Train(RunFolder run, DatasetSplit digits, IReadOnlyList<ITrainingObserver> extra, CancellationToken cancel)
    {
        var options = new TrainingOptions { Device = DeviceChoice.Auto };
        using var model = MnistNet.Recipe.Create(new ModelRequest(digits.Train.Shape, digits.Train.Classes), options.Seed);
        using var recorder = new RunRecorder(run, "bundled");
        using var filters = new FilterImageRecorder(run.TensorBoardFilters, run.Figures);
        using var sound = new SoundRecorder(new SoundSettings(run.GradientSound, TensorBoardDirectory: run.TensorBoardSound));
        using var distributions = new DistributionProbe();
        return new Trainer(model, digits, options, [.. Trainer.StandardProbes, distributions], [recorder, filters, sound, .. extra]).Run(cancel);
    }

    static IEnumerable<string> Filters(RunFolder run, LayerStack model, DatasetSplit digits, Device device)
    {
        var conv1 = model.FindLayer("conv1").Weight!;
        yield return Save(Path.Combine(run.Figures, "filters-conv1.png"), path => FilterGrid.SavePng(conv1, FilterScaling.PerFilter, path, "conv1 filters after training, each scaled on its own"));
        var images = BatchGradients.Compute(model, digits.Train, 64, device);
        yield return Save(Path.Combine(run.Figures, "filters-conv1-gradients.png"), path => FilterGrid.SavePng(conv1.grad!, FilterScaling.PerFilter, path, $"conv1 weight gradients on {images} training digits"));
    }

    static IEnumerable<string> FeatureMapFigures(RunFolder run, LayerStack model, DatasetSplit digits, Device device)
    {
        using var scope = NewDisposeScope();
        var digit = digits.Test.Images[TestDigit];
        var shown = digits.Test.Normalization.Undo(digit.unsqueeze(0))[0];
        foreach (var layer in new[] { "conv1", "conv2" })
        {
            var maps = FeatureMaps.Of(model, digit, layer, device);
            var path = Path.Combine(run.Figures, $"activations-{layer}-sample{TestDigit}.png");
            using var bitmap = FeatureMapGrid.Render(shown, maps, $"{layer} for test digit {TestDigit}: {maps.shape[0]} maps, each scaled on its own");
            yield return Save(path, p => PlotSheet.SavePng(bitmap, p));
        }
    }

    static IEnumerable<string> HypercolumnClusters(RunFolder run, LayerStack model, DatasetSplit digits, Device device)
    {
        using var scope = NewDisposeScope();
        var digit = digits.Test.Images[TestDigit];
        var columns = Hypercolumns.Extract(model, digit, ["conv1", "conv2"], device);
        var clustering = KMeans.Fit(columns.view(columns.shape[0], -1).t(), new KMeansSettings(Clusters: 3));
        var folder = Path.Combine(run.Figures, "hypercolumns");
        using (var average = HypercolumnFigures.Average(columns))
        using (var large = HypercolumnFigures.Enlarged(average))
            yield return Save(Path.Combine(folder, "average.png"), p => PlotSheet.SavePng(large, p));
        using var clusters = HypercolumnFigures.Clusters(digits.Test.Normalization.Undo(digit.unsqueeze(0))[0], clustering.Labels);
        using var enlarged = HypercolumnFigures.Enlarged(clusters);
        yield return Save(Path.Combine(folder, "clusters.png"), p => PlotSheet.SavePng(enlarged, p));
    }

    static string Save(string path, Action<string> write)
    {
        write(path);
        return path;
    }
}
