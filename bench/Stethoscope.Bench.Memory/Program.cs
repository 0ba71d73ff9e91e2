using System.Diagnostics;
using System.Globalization;
using Stethoscope;
using Stethoscope.Bench.Memory;
using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;

// Resident memory over a long run with everything on: the seed network on the bundled digits, trained by the
// Trainer with the parts `stethoscope train --sonify` assembles (every standard probe, run.json, metrics.csv,
// TensorBoard, filter images, the seed's sound streamed to a WAV with TensorBoard audio, distributions every 50
// steps) plus an evaluation every 5,000 steps. VmRSS (/proc/self/status) is sampled every 1,000 steps; the check is
// that the resident memory at the end is within 10% of its value at step 10,000.
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench.Memory [steps] [batch]
var steps = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8;
const long reference = 10_000;
using var data = BundledDigits.Load();
using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, 10), seed: 0);
var root = Directory.CreateTempSubdirectory("stethoscope-memory-");
try
{
    var folder = RunFolder.Create(Path.Combine(root.FullName, "run"));
    var sound = new SoundSettings(folder.GradientSound, TensorBoardDirectory: folder.TensorBoardSound);
    var parts = RunWatch.Parts(folder, new RunWatchOptions("bundled", DistributionsEvery: 50, Sound: sound));
    var options = new TrainingOptions { BatchSize = batch, MaxSteps = steps, Epochs = null, EvalEvery = 5_000, Device = DeviceChoice.Cpu, Seed = 0 };
    var sampler = new ResidentMemorySampler(every: 1_000);
    Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd HH:mm} · {steps} steps at batch {batch} · {Environment.ProcessorCount} cores · libtorch {TorchSharp.torch.__version__}");
    Console.WriteLine("step\tseconds\tvm_rss_mib\tgc_heap_mib");
    TrainingResult result;
    try
    {
        result = new Trainer(model, data, options, parts.Probes, [.. parts.Observers, sampler]).Run();
    }
    finally
    {
        foreach (var part in parts.Owned)
            part.Dispose();
    }
    Console.WriteLine($"# status {result.Status.ToString().ToLowerInvariant()}, {result.Steps} steps, run folder {Megabytes(FolderBytes(folder.Root)):0.0} MiB");
    if (sampler.At(reference) is { } start && sampler.Last is { } end)
    {
        var change = end.Rss / start.Rss - 1;
        Console.WriteLine($"# VmRSS at step {reference}: {start.Rss:0.0} MiB; at step {end.Step}: {end.Rss:0.0} MiB; change {change:+0.0%;-0.0%}; peak {sampler.Peak:0.0} MiB; within 10%: {(Math.Abs(change) <= 0.10 ? "yes" : "NO")}");
        return Math.Abs(change) <= 0.10 ? 0 : 1;
    }
    Console.WriteLine($"# fewer than {reference} steps: no check");
    return 0;
}
finally
{
    root.Delete(recursive: true);
}

static double Megabytes(long bytes) => bytes / 1048576.0;

static long FolderBytes(string path) => new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

namespace Stethoscope.Bench.Memory
{
    /// <summary>Prints the process's resident memory every <c>every</c> steps and keeps the samples.</summary>
    sealed class ResidentMemorySampler(long every) : ITrainingObserver
    {
        readonly Stopwatch watch = Stopwatch.StartNew();
        readonly Dictionary<long, (long Step, double Rss)> samples = [];

        public (long Step, double Rss)? Last { get; private set; }

        public double Peak => samples.Values.Max(s => s.Rss);

        public (long Step, double Rss)? At(long step) => samples.TryGetValue(step, out var s) ? s : null;

        public void OnStep(StepRecord step)
        {
            if (step.Step % every != 0 && step.Step != 1)
                return;
            var sample = (step.Step, ResidentMebibytes());
            samples[step.Step] = sample;
            Last = sample;
            Console.WriteLine(FormattableString.Invariant($"{step.Step}\t{watch.Elapsed.TotalSeconds:0}\t{sample.Item2:0.0}\t{GC.GetTotalMemory(false) / 1048576.0:0.0}"));
        }

        /// <summary>VmRSS from /proc/self/status, in MiB.</summary>
        static double ResidentMebibytes()
        {
            var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
    }
}
