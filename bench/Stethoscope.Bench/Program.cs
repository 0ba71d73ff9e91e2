using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Stethoscope.Bench;
using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Sound;
using Stethoscope.Training;

// Training throughput of the seed network with the standard probes off (loss only) and on (loss, accuracy,
// four gradient norms), and at batch 64 with the probes plus --sonify (the seed mapping streamed to a WAV and
// TensorBoard audio every 200 steps), measured in the same process, interleaved, median of several rounds.
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench [rounds]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
using var data = BundledDigits.Load();
(int Batch, int Steps)[] settings = [(10, 400), (64, 120), (256, 40)];
Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} · libtorch {TorchSharp.torch.__version__}");
Console.WriteLine("| batch | probes off (img/s) | probes on (img/s) | on / off |");
Console.WriteLine("| ---: | ---: | ---: | ---: |");
var soundRatio = "";
foreach (var (batch, steps) in settings)
{
    var off = new List<double>();
    var on = new List<double>();
    var sound = new List<double>();
    Measure(batch, steps, Mode.Off); // warm-up
    for (var r = 0; r < rounds; r++)
    {
        off.Add(Measure(batch, steps, Mode.Off));
        on.Add(Measure(batch, steps, Mode.Probes));
        if (batch == 64)
            sound.Add(Measure(batch, steps, Mode.ProbesAndSound));
    }
    var (medianOff, medianOn) = (Median(off), Median(on));
    Console.WriteLine($"| {batch} | {medianOff:0} | {medianOn:0} | {medianOn / medianOff:P1} |");
    if (sound.Count > 0)
        soundRatio = $"| {batch} | {medianOn:0} | {Median(sound):0} | {Median(sound) / medianOn:P1} |";
}
Console.WriteLine();
Console.WriteLine("| batch | probes (img/s) | probes + sonify (img/s) | with / without sound |");
Console.WriteLine("| ---: | ---: | ---: | ---: |");
Console.WriteLine(soundRatio);

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
        ITrainingObserver[] observers = sound is null ? [clock] : [sound, clock];
        new Trainer(model, data, options, mode == Mode.Off ? [] : Trainer.StandardProbes, observers).Run();
        return (steps - 1) * batch / clock.Elapsed.TotalSeconds;
    }
    finally
    {
        folder.Delete(recursive: true);
    }
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

namespace Stethoscope.Bench
{
    enum Mode
    {
        Off,
        Probes,
        ProbesAndSound,
    }

    /// <summary>Times from the end of the first step to the end of the last, leaving out set-up and evaluation.</summary>
    sealed class StepClock : ITrainingObserver
    {
        readonly Stopwatch watch = new();
        long last;

        public TimeSpan Elapsed => watch.Elapsed;

        public void OnTrainingStart(TrainingStart start) => last = start.PlannedSteps;

        public void OnStep(StepRecord step)
        {
            if (step.Step == 1)
                watch.Start();
            if (step.Step == last)
                watch.Stop();
        }
    }
}
