using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Stethoscope.Bench;
using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;
using static Stethoscope.Bench.Rounds;

// Training throughput of the seed network with the standard probes off (loss only) and on (loss, accuracy,
// four gradient norms), and at batch 64 with the probes plus --sonify (the seed mapping streamed to a WAV and
// TensorBoard audio every 200 steps), and at batch 64 the probes with a RunRecorder (metrics.csv, TensorBoard)
// against the same plus the distribution probe every 10 steps (histograms, statistics, update ratios and weight
// samples of four layers into weights/ and TensorBoard), measured in the same process, interleaved, median of
// several rounds.
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench [rounds]
// With "plain" first: issue 16's targets instead (PlainComparison): dotnet run -c Release --project bench/Stethoscope.Bench plain [rounds]
var plain = args.FirstOrDefault() == "plain";
var rounds = args.Length > (plain ? 1 : 0) ? int.Parse(args[plain ? 1 : 0], CultureInfo.InvariantCulture) : 5;
using var data = BundledDigits.Load();
Devices.Resolve(DeviceChoice.Cpu);
if (plain)
{
    Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} · libtorch {TorchSharp.torch.__version__}");
    PlainComparison.Run(data, rounds);
    return;
}
(int Batch, int Steps)[] settings = [(10, 400), (64, 120), (256, 40)];
Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} · libtorch {TorchSharp.torch.__version__}");
Console.WriteLine("| batch | probes off (img/s) | probes on (img/s) | on / off |");
Console.WriteLine("| ---: | ---: | ---: | ---: |");
var soundRatio = "";
var distributionRatio = "";
foreach (var (batch, steps) in settings)
{
    var off = new List<double>();
    var on = new List<double>();
    var sound = new List<double>();
    var recorded = new List<double>();
    var distributions = new List<double>();
    Measure(batch, steps, Mode.Off); // warm-up
    for (var r = 0; r < rounds; r++)
    {
        off.Add(Measure(batch, steps, Mode.Off));
        on.Add(Measure(batch, steps, Mode.Probes));
        if (batch == 64)
        {
            sound.Add(Measure(batch, steps, Mode.ProbesAndSound));
            recorded.Add(Measure(batch, steps, Mode.ProbesAndRecorder));
            distributions.Add(Measure(batch, steps, Mode.ProbesRecorderAndDistributions));
        }
    }
    var (medianOff, medianOn) = (Median(off), Median(on));
    Console.WriteLine($"| {batch} | {medianOff:0} | {medianOn:0} | {medianOn / medianOff:P1} |");
    if (sound.Count > 0)
    {
        soundRatio = $"| {batch} | {medianOn:0} | {Median(sound):0} | {Median(sound) / medianOn:P1} |";
        distributionRatio = $"| {batch} | {Median(recorded):0} | {Median(distributions):0} | {Median(distributions) / Median(recorded):P1} |";
    }
}
Console.WriteLine();
Console.WriteLine("| batch | probes (img/s) | probes + sonify (img/s) | with / without sound |");
Console.WriteLine("| ---: | ---: | ---: | ---: |");
Console.WriteLine(soundRatio);
Console.WriteLine();
Console.WriteLine("| batch | probes + recorder (img/s) | … + distributions every 10 steps (img/s) | with / without |");
Console.WriteLine("| ---: | ---: | ---: | ---: |");
Console.WriteLine(distributionRatio);

double Measure(int batch, int steps, Mode mode)
{
    using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, 10), seed: 0);
    var clock = new StepClock();
    var options = new TrainingOptions { BatchSize = batch, MaxSteps = steps, Epochs = null, Device = DeviceChoice.Cpu };
    var folder = Directory.CreateTempSubdirectory("stethoscope-bench-");
    try
    {
        using var sound = mode == Mode.ProbesAndSound
            ? new SoundRecorder(new SoundSettings(Path.Combine(folder.FullName, "gradient-norms.wav"), TensorBoardDirectory: folder.FullName))
            : null;
        using var distributions = mode == Mode.ProbesRecorderAndDistributions ? new DistributionProbe(every: 10) : null;
        using var recorder = mode is Mode.ProbesAndRecorder or Mode.ProbesRecorderAndDistributions
            ? new RunRecorder(RunFolder.Create(Path.Combine(folder.FullName, "run")), "bundled")
            : null;
        ITrainingObserver[] observers = (sound, recorder) switch
        {
            (not null, _) => [sound, clock],
            (_, not null) => [recorder, clock],
            _ => [clock],
        };
        IProbe[] probes = mode == Mode.Off ? [] : distributions is null ? Trainer.StandardProbes : [.. Trainer.StandardProbes, distributions];
        new Trainer(model, data, options, probes, observers).Run();
        return (steps - 1) * batch / clock.Elapsed.TotalSeconds;
    }
    finally
    {
        folder.Delete(recursive: true);
    }
}

namespace Stethoscope.Bench
{
    enum Mode
    {
        Off,
        Probes,
        ProbesAndSound,
        ProbesAndRecorder,
        ProbesRecorderAndDistributions,
    }

    /// <summary>Times from the end of the first step to the end of the last, leaving out set-up and evaluation.</summary>
    sealed class StepClock : ITrainingObserver
    {
        readonly Stopwatch watch = new();
        long last;

        public TimeSpan Elapsed => watch.Elapsed;

        public void OnTrainingStart(TrainingStart start) => last = start.PlannedSteps ?? 0;

        public void OnStep(StepRecord step)
        {
            if (step.Step == 1)
                watch.Start();
            if (step.Step == last)
                watch.Stop();
        }
    }
}
