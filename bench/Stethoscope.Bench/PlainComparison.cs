using System.Diagnostics;
using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Training;
using TorchSharp;
using static Stethoscope.Bench.Rounds;
using static TorchSharp.torch;

namespace Stethoscope.Bench;

/// <summary>
/// Issue 16's throughput targets in one run: the machine's SGEMM peak (2048² float32 matrix products through
/// TorchSharp), then at batch 64 and 256 the seed network trained by a plain TorchSharp loop (a Sequential, SGD, the
/// loss read once per step) against the Trainer with the standard probes, interleaved, median of several rounds.
/// Both use the process's CPU kernels (<see cref="CpuKernels"/>), so the ratio compares like with like.
/// </summary>
static class PlainComparison
{
    /// <summary>Multiply-adds ×2 of the seed network per image, forward (4.586 M) and backward (weight gradients of
    /// all four layers, input gradients of all but conv1): conv1 2·576·20·25, conv2 2·64·50·500, fc1 2·800·500, fc2 2·500·10.</summary>
    const double FlopsPerImage = 13_182_000;

    public static void Run(DatasetSplit data, int rounds)
    {
        Console.WriteLine($"# CPU kernels: {CpuKernels.Description}");
        var peak = SgemmPeak(rounds);
        Console.WriteLine($"SGEMM 2048² peak (median of {rounds}): {peak / 1e9:0.0} GFLOP/s");
        Console.WriteLine();
        Console.WriteLine("| batch | plain TorchSharp (img/s) | Stethoscope, standard probes (img/s) | probes / plain | Stethoscope GFLOP/s | of SGEMM peak |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (batch, steps) in new[] { (64, 120), (256, 40) })
        {
            List<double> plain = [], probes = [];
            Plain(data, batch, steps); // warm-up
            for (var r = 0; r < rounds; r++)
            {
                plain.Add(Plain(data, batch, steps));
                probes.Add(WithProbes(data, batch, steps));
            }
            var (p, s) = (Median(plain), Median(probes));
            Console.WriteLine($"| {batch} | {p:0} | {s:0} | {s / p:P1} | {s * FlopsPerImage / 1e9:0.0} | {s * FlopsPerImage / peak:P1} |");
        }
    }

    /// <summary>FLOP/s of a 2048² float32 matrix product, median of <paramref name="rounds"/> × 5 products.</summary>
    static double SgemmPeak(int rounds)
    {
        const int N = 2048;
        using var a = randn(N, N);
        using var b = randn(N, N);
        a.mm(b).Dispose();
        var rates = new List<double>();
        for (var r = 0; r < rounds * 5; r++)
        {
            var watch = Stopwatch.StartNew();
            a.mm(b).Dispose();
            rates.Add(2.0 * N * N * N / watch.Elapsed.TotalSeconds);
        }
        return Median(rates);
    }

    /// <summary>The seed network as a user writes it in plain TorchSharp, trained by the usual loop.</summary>
    static double Plain(DatasetSplit data, int batch, int steps)
    {
        manual_seed(0);
        using var model = nn.Sequential(
            nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10), nn.LogSoftmax(1));
        var defaults = new TrainingOptions(); // the same optimizer settings as the Trainer's run below
        using var optimizer = optim.SGD(model.parameters(), defaults.LearningRate, momentum: defaults.Momentum);
        using var order = new Generator(0);
        using var permutation = randperm(data.Train.Count, generator: order);
        var watch = new Stopwatch();
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var index = permutation.narrow(0, step * batch % (data.Train.Count - batch), batch);
            optimizer.zero_grad();
            var loss = nn.functional.nll_loss(model.call(data.Train.Images.index_select(0, index)), data.Train.Labels.index_select(0, index));
            loss.backward();
            optimizer.step();
            _ = loss.item<float>();
            if (step == 0)
                watch.Start();
        }
        return (steps - 1) * batch / watch.Elapsed.TotalSeconds;
    }

    static double WithProbes(DatasetSplit data, int batch, int steps)
    {
        using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, 10), seed: 0);
        var clock = new StepClock();
        var options = new TrainingOptions { BatchSize = batch, MaxSteps = steps, Epochs = null, Device = DeviceChoice.Cpu };
        new Trainer(model, data, options, Trainer.StandardProbes, [clock]).Run();
        return (steps - 1) * batch / clock.Elapsed.TotalSeconds;
    }
}
