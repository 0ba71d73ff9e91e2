using Stethoscope.Data;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;

namespace Stethoscope.Experiments;

/// <summary>One of seed 000's five clips: a name for its files, a title, and how it trains.</summary>
public sealed record SeedClip(string Name, string Title, TrainingOptions Options);

/// <summary>What one clip's run ended with.</summary>
public sealed record SeedClipResult(SeedClip Clip, RunFolder Run, string Wav, TrainingResult Training);

/// <summary>
/// Seed 000's five sound clips, made again: the seed network on the bundled digits (or, as in the seed, MNIST's 60,000
/// training digits: <c>data</c> <c>mnist</c>) for 200 steps each with SGD lr
/// 0.01, 0.1 and 1.0 (batch 10), SGD lr 1.0 with batch 256 (explodes: into NaN on some CPUs, into dead ReLUs on others), and Adam lr 0.01 (batch 10), momentum
/// 0.5 as in the seed, training on through NaN as the seed did. Each clip is a full run folder; its sound (the seed's
/// mapping) is copied beside them as <c>&lt;name&gt;.wav</c>, and <c>norm-traces.png</c> shows the five traces.
/// Fewer steps run the same clips through the same code, for tests and quick looks.
/// </summary>
public static class SeedSounds
{
    /// <summary>The seed's length of each clip, in training steps.</summary>
    public const int Steps = 200;
    public const string ChartName = "norm-traces.png";

    public static IReadOnlyList<SeedClip> Clips { get; } =
    [
        Sgd("sgd-lr0.01", "SGD lr 0.01, batch 10", 0.01, 10),
        Sgd("sgd-lr0.1", "SGD lr 0.1, batch 10", 0.1, 10),
        Sgd("sgd-lr1.0", "SGD lr 1.0, batch 10", 1.0, 10),
        Sgd("sgd-lr1.0-bs256", "SGD lr 1.0, batch 256", 1.0, 256),
        new("adam-lr0.01", "Adam lr 0.01, batch 10", Options(OptimizerKind.Adam, 0.01, 10)),
    ];

    /// <summary>Trains the five clips into <paramref name="folder"/>, <paramref name="steps"/> steps each;
    /// <paramref name="starting"/> hears of each clip as it begins; <paramref name="data"/> is how run.json names the
    /// digits' source (<see cref="DataSource"/>'s form), so later commands load the same data.</summary>
    public static IReadOnlyList<SeedClipResult> Run(string folder, DatasetSplit digits, Action<SeedClip>? starting = null, CancellationToken cancel = default, int steps = Steps, string data = "bundled")
    {
        if (steps < 1)
            throw new StethoscopeException($"steps must be at least 1; got {steps}");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new StethoscopeException($"{folder} is not empty; choose another --out");
        var results = new List<SeedClipResult>();
        foreach (var clip in Clips)
        {
            cancel.ThrowIfCancellationRequested();
            starting?.Invoke(clip);
            results.Add(RunClip(folder, clip with { Options = clip.Options with { MaxSteps = steps } }, digits, data, cancel));
        }
        GradientNormChart.SavePng([.. results.Select(r => new NormTrace(r.Clip.Title, MetricsCsv.Open(r.Run.MetricsCsv)))], Path.Combine(folder, ChartName));
        return results;
    }

    static SeedClipResult RunClip(string folder, SeedClip clip, DatasetSplit digits, string data, CancellationToken cancel)
    {
        var run = RunFolder.Create(Path.Combine(folder, clip.Name));
        using var model = MnistNet.Recipe.Create(new ModelRequest(digits.Train.Shape, digits.Train.Classes), clip.Options.Seed);
        using var recorder = new RunRecorder(run, data);
        using var sound = new SoundRecorder(new SoundSettings(run.GradientSound, TensorBoardDirectory: run.TensorBoardSound));
        var result = new Trainer(model, digits, clip.Options, Trainer.StandardProbes, [recorder, sound]).Run(cancel);
        var wav = Path.Combine(folder, clip.Name + ".wav");
        File.Copy(run.GradientSound, wav);
        return new SeedClipResult(clip, run, wav, result);
    }

    static SeedClip Sgd(string name, string title, double lr, int batch) => new(name, title, Options(OptimizerKind.Sgd, lr, batch));

    static TrainingOptions Options(OptimizerKind optimizer, double lr, int batch) => new()
    {
        Optimizer = optimizer,
        LearningRate = lr,
        Momentum = 0.5,
        BatchSize = batch,
        MaxSteps = Steps,
        Epochs = null,
        OnDivergence = DivergencePolicy.Continue,
        Device = DeviceChoice.Cpu,
    };
}
