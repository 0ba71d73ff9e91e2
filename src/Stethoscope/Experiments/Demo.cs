using Stethoscope.Analysis;
using Stethoscope.Data;
using Stethoscope.Imaging;
using Stethoscope.Models;
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

    /// <summary>The demo's training length: five passes over the bundled digits.</summary>
    public const int Epochs = 5;

    /// <summary>Runs the demo into <paramref name="folder"/>; <paramref name="progress"/> hears each stage as it starts
    /// and <paramref name="observers"/> watch the training (a progress bar). <paramref name="maxSteps"/> stops the
    /// training earlier (for tests and quick looks); everything after it runs as always.</summary>
    public static DemoResult Run(string folder, Action<string>? progress = null, IReadOnlyList<ITrainingObserver>? observers = null, CancellationToken cancel = default, long? maxSteps = null)
    {
        if (maxSteps is < 1)
            throw new StethoscopeException($"max steps must be at least 1; got {maxSteps}");
        var device = Devices.Resolve(DeviceChoice.Auto);
        using var digits = BundledDigits.Load();
        var run = RunFolder.Create(folder);
        progress?.Invoke("training the seed network with every probe and its sound");
        var training = Train(run, digits, observers ?? [], maxSteps, cancel);
        progress?.Invoke("drawing the training figures");
        TrainingFigures.Render(run);
        if (training.Status is RunStatus.Interrupted or RunStatus.Failed)
            return new DemoResult(run, training, AllFigures(run), RunReport.Write(run));
        var checkpoint = RunCheckpoint.Open(run.Root);
        using var model = checkpoint.Load();
        model.to(device);
        progress?.Invoke("drawing filters, gradients and feature maps");
        DrawFilters(run, model, digits, device);
        DrawFeatureMaps(run, model, digits, device);
        progress?.Invoke("measuring the effective receptive field at the start and the end");
        var erf = ErfComparison.Measure(run, new ErfSettings(Samples: 64), ErfInputKind.Data, device);
        ErfFigure.SavePng([new ErfPanel("initial", erf.Initial), new ErfPanel("final", erf.Final)], Path.Combine(run.Figures, "erf.png"));
        progress?.Invoke("clustering the hypercolumns of a test digit");
        DrawHypercolumnClusters(run, model, digits, device);
        progress?.Invoke("writing the report");
        return new DemoResult(run, training, AllFigures(run), RunReport.Write(run));
    }

    /// <summary>Every PNG the run's figures folder holds, the live filter grid the training kept included.</summary>
    static IReadOnlyList<string> AllFigures(RunFolder run) =>
        [.. Directory.EnumerateFiles(run.Figures, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    static TrainingResult Train(RunFolder run, DatasetSplit digits, IReadOnlyList<ITrainingObserver> extra, long? maxSteps, CancellationToken cancel)
    {
        var options = new TrainingOptions { Device = DeviceChoice.Auto, Epochs = Epochs, MaxSteps = maxSteps };
        using var model = MnistNet.Recipe.Create(new ModelRequest(digits.Train.Shape, digits.Train.Classes), options.Seed);
        // The parts `train --sonify` records a run with (activation statistics and the live diagnosis included).
        var parts = RunWatch.Parts(run, new RunWatchOptions("bundled", Sound: new SoundSettings(run.GradientSound, TensorBoardDirectory: run.TensorBoardSound)));
        try
        {
            return new Trainer(model, digits, options, parts.Probes, [.. parts.Observers, .. extra], MnistNet.Recipe.Objective).Run(cancel);
        }
        finally
        {
            foreach (var part in parts.Owned)
                part.Dispose();
        }
    }

    static void DrawFilters(RunFolder run, nn.Module<Tensor, Tensor> model, DatasetSplit digits, Device device)
    {
        var conv1 = ModuleTree.Find(model, "conv1").Weight!;
        FilterGrid.SavePng(conv1, FilterScaling.PerFilter, Path.Combine(run.Figures, "filters-conv1.png"), "conv1 filters after training, each scaled on its own");
        var images = BatchGradients.Compute(model, MnistNet.Recipe.Objective, digits.Train, 64, device);
        FilterGrid.SavePng(conv1.grad!, FilterScaling.PerFilter, Path.Combine(run.Figures, "filters-conv1-gradients.png"), $"conv1 weight gradients on {images} training digits");
    }

    static void DrawFeatureMaps(RunFolder run, nn.Module<Tensor, Tensor> model, DatasetSplit digits, Device device)
    {
        using var scope = NewDisposeScope();
        var digit = digits.Test.Images[TestDigit];
        var shown = digits.Test.Normalization.Undo(digit.unsqueeze(0))[0];
        foreach (var layer in new[] { "conv1", "conv2" })
        {
            var maps = FeatureMaps.Of(model, digit, layer, device);
            FeatureMapGrid.SavePng(shown, maps, $"{layer} for test digit {TestDigit}: {maps.shape[0]} maps, each scaled on its own",
                Path.Combine(run.Figures, $"activations-{layer}-sample{TestDigit}.png"));
        }
    }

    static void DrawHypercolumnClusters(RunFolder run, nn.Module<Tensor, Tensor> model, DatasetSplit digits, Device device)
    {
        using var scope = NewDisposeScope();
        var digit = digits.Test.Images[TestDigit];
        var columns = Hypercolumns.Extract(model, digit, ["conv1", "conv2"], device);
        var clustering = KMeans.Fit(columns.view(columns.shape[0], -1).t(), new KMeansSettings(Clusters: 3));
        var shown = digits.Test.Normalization.Undo(digit.unsqueeze(0))[0];
        HypercolumnFigures.SavePngs(Path.Combine(run.Figures, "hypercolumns"), columns, shown, clustering, "conv1, conv2");
    }
}
