using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OwnLoop;
using Stethoscope;
using Stethoscope.Data;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

// The cost of watching a user's own loop: examples/OwnLoop's residual network (BatchNorm, a strided block with a
// projection shortcut, seven weighted layers) trained by a plain loop (AdamW, batch 64) without Stethoscope, with a
// TrainingWatcher and the standard probes (accuracy, seven gradient norms, one host synchronisation per step), and
// with everything RunWatch.Start records (run folder, TensorBoard, filter images, distributions every 50 steps).
// Interleaved in one process, median of several rounds, timed from the end of the first step to the end of the last.
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench.Watch [rounds] [steps]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
const int Batch = 64;
using var digits = BundledDigits.Load();
Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · TorchSharp {typeof(torch).Assembly.GetName().Version} · libtorch {__version__}");
Console.WriteLine($"examples/OwnLoop's ResidualNet, AdamW, batch {Batch}, {steps} steps per round, median of {rounds} rounds");
var modes = new[] { "plain loop", "watched (probes)", "RunWatch.Start (probes + run folder)" };
var results = modes.ToDictionary(m => m, _ => new List<double>());
foreach (var mode in modes)
    Measure(mode); // warm-up
for (var r = 0; r < rounds; r++)
{
    foreach (var mode in modes)
        results[mode].Add(Measure(mode));
}
var plain = Median(results[modes[0]]);
Console.WriteLine("| loop | img/s | against the plain loop |");
Console.WriteLine("| --- | ---: | ---: |");
foreach (var mode in modes)
    Console.WriteLine($"| {mode} | {Median(results[mode]):0} | {Median(results[mode]) / plain:P1} |");

double Measure(string mode)
{
    random.manual_seed(0);
    using var model = new ResidualNet();
    using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3);
    var folder = Directory.CreateTempSubdirectory("stethoscope-bench-watch-");
    try
    {
        using var watch = mode == modes[0] ? null
            : mode == modes[1] ? new TrainingWatcher(model, Trainer.StandardProbes, [])
            : RunWatch.Start(model, Path.Combine(folder.FullName, "run"));
        model.train();
        var clock = new Stopwatch();
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var start = step * Batch % (digits.Train.Count - Batch);
            var images = digits.Train.Images.narrow(0, start, Batch);
            var labels = digits.Train.Labels.narrow(0, start, Batch);
            optimizer.zero_grad();
            var output = model.call(images);
            var loss = nn.functional.cross_entropy(output, labels);
            loss.backward();
            if (watch is null)
                _ = loss.item<float>(); // the plain loop reads its loss too: one synchronisation either way
            else
                watch.Step(loss, output, labels, optimizer);
            optimizer.step();
            if (step == 0)
                clock.Start();
        }
        clock.Stop();
        watch?.Finish();
        return (steps - 1) * Batch / clock.Elapsed.TotalSeconds;
    }
    finally
    {
        folder.Delete(recursive: true);
    }
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
