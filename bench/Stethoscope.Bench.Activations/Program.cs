using System.Diagnostics;
using System.Globalization;
using Stethoscope.Data;
using Stethoscope.Diagnosis;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Training;

// The cost of activation statistics (ActivationStatisticsProbe every 10 steps: forward hooks on every activation
// module, reduced on the device, read back with the step's one synchronisation) at batch 64 on the seed network
// (mnist-net, three ReLUs) and the residual digits network (resnet-digits: BatchNorm, a ReLU called twice per block),
// trained by the built-in Trainer as `train` does (SGD, the standard probes, the non-finite replay's batch copy), with
// and without the probe; interleaved in one process, median of several rounds, timed by an observer from the end of
// the probe's dense start (each of the first 10 steps is sampled) to the last step, so that the figure is the cost of
// sampling every 10th step (the evaluation at the end is left out). The "with" column also runs the live diagnosis rules
// (the Diagnostician, an observer reading each step's records), as `train` does.
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench.Activations [rounds] [steps]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
var options = new TrainingOptions { BatchSize = 64, MaxSteps = steps, Epochs = null, LearningRate = 0.01, Device = DeviceChoice.Cpu };
using var digits = BundledDigits.Load();
Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd} · {Environment.ProcessorCount} cores · {System.Runtime.InteropServices.RuntimeInformation.OSDescription} · libtorch {TorchSharp.torch.__version__}");
Console.WriteLine($"batch {options.BatchSize}, SGD, {steps} steps per round, median of {rounds} rounds, activation statistics every {ActivationStatisticsProbe.DefaultEvery} steps");
Console.WriteLine("| model | standard probes (img/s) | + activation statistics and live rules (img/s) | with / without |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
foreach (var recipe in new[] { MnistNet.Recipe, ResNet.DigitsRecipe })
{
    var without = new List<double>();
    var with = new List<double>();
    Train(recipe, activations: false); // warm-up
    for (var r = 0; r < rounds; r++)
    {
        without.Add(Train(recipe, activations: false));
        with.Add(Train(recipe, activations: true));
    }
    Console.WriteLine($"| {recipe.Name} | {Median(without):0} | {Median(with):0} | {Median(with) / Median(without):P1} |");
}

double Train(ModelRecipe recipe, bool activations)
{
    using var model = recipe.Create(new ModelRequest(digits.Train.Shape, digits.Train.Classes), seed: 0);
    IProbe[] probes = activations ? [.. Trainer.StandardProbes, new ActivationStatisticsProbe()] : Trainer.StandardProbes;
    var clock = new StepClock();
    ITrainingObserver[] observers = activations ? [new Diagnostician(), clock] : [clock];
    new Trainer(model, digits, options, probes, observers, recipe.Objective).Run();
    return (clock.Steps - StepClock.From) * options.BatchSize / clock.Elapsed.TotalSeconds;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

/// <summary>The time from the end of step <see cref="From"/> (the probe's last densely sampled step) to the last step's end.</summary>
sealed class StepClock : ITrainingObserver
{
    public const long From = ActivationStatisticsProbe.DefaultEvery;

    readonly Stopwatch clock = new();

    public long Steps { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public void OnStep(StepRecord step)
    {
        if (++Steps == From)
            clock.Start();
        Elapsed = clock.Elapsed;
    }
}
