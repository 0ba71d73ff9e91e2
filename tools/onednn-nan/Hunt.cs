using System.Globalization;
using Stethoscope.Data;
using Stethoscope.Models;
using static TorchSharp.torch;

namespace OneDnnNan;

/// <summary>
/// Trains the seed network in plain TorchSharp (SGD with momentum written out as PyTorch's formula, so its state can
/// be saved) and stops at the first step whose loss or any gradient is not finite. That step's weights (still
/// unchanged: forward and backward do not touch them), momentum buffers and batch are written as safetensors, so the
/// single step can be replayed.
/// </summary>
static class Hunt
{
    public sealed record Result(long Seed, long? NonFiniteStep, float LastLoss, string? Saved);

    public static Result Run(DatasetSplit data, long seed, int steps, int batch, double lr, double momentum, string? saveTo)
    {
        var p = SeedNet.Initial(seed);
        var buffers = new Dictionary<string, Tensor>();
        var images = data.Train.Images;
        var labels = data.Train.Labels;
        var n = data.Train.Count;
        var order = new Generator((ulong)seed);
        Tensor? permutation = null;
        var recent = new Queue<float>();
        var lastLoss = float.NaN;
        for (var step = 1; step <= steps; step++)
        {
            using var scope = NewDisposeScope();
            var start = (step - 1) * batch % (n - n % batch);
            if (start == 0)
            {
                permutation?.Dispose();
                permutation = randperm(n, generator: order).DetachFromDisposeScope();
            }
            var index = permutation!.narrow(0, start, batch);
            var x = images.index_select(0, index);
            var y = labels.index_select(0, index);
            foreach (var t in p.Values)
                t.grad?.zero_();
            var pass = SeedNet.Forward(p, x, y, keep: false);
            pass.Loss.backward();
            var checks = p.Values.Select(t => t.grad!.isfinite().all()).Append(pass.Loss.isfinite().all());
            var finite = stack(checks.ToArray()).all().item<bool>();
            lastLoss = pass.Loss.item<float>();
            if (!finite)
            {
                var saved = saveTo is null ? null : Save(saveTo, seed, step, p, buffers, x, y, recent);
                permutation.Dispose();
                return new Result(seed, step, lastLoss, saved);
            }
            recent.Enqueue(lastLoss);
            if (recent.Count > 20)
                recent.Dequeue();
            Update(p, buffers, lr, momentum);
            if (step % 250 == 0)
                Console.Error.WriteLine(FormattableString.Invariant($"seed {seed} step {step} loss {lastLoss:0.0000}"));
        }
        permutation?.Dispose();
        return new Result(seed, null, lastLoss, null);
    }

    /// <summary>torch.optim.SGD with momentum and no dampening: buf = m·buf + g (buf = g at first), w -= lr·buf.</summary>
    static void Update(Dictionary<string, Tensor> p, Dictionary<string, Tensor> buffers, double lr, double momentum)
    {
        using var noGrad = no_grad();
        foreach (var (name, w) in p)
        {
            if (buffers.TryGetValue(name, out var buf))
                buf.mul_(momentum).add_(w.grad!);
            else
                buffers[name] = w.grad!.detach().clone().DetachFromDisposeScope();
            w.add_(buffers[name], alpha: -lr);
        }
    }

    static string Save(string folder, long seed, int step, Dictionary<string, Tensor> p, Dictionary<string, Tensor> buffers,
        Tensor x, Tensor y, IEnumerable<float> recent)
    {
        Directory.CreateDirectory(folder);
        var tensors = new Dictionary<string, Tensor>(p.ToDictionary(e => e.Key, e => e.Value.detach()))
        {
            ["batch.images"] = x,
            ["batch.labels"] = y.to_type(ScalarType.Float32),
        };
        foreach (var (name, buf) in buffers)
            tensors["momentum." + name] = buf;
        var path = Path.Combine(folder, $"seed{seed}-step{step}.safetensors");
        Safetensors.Write(path, tensors);
        File.WriteAllText(Path.ChangeExtension(path, ".txt"), string.Join('\n',
            $"seed {seed}, first non-finite step {step} (weights before that step's update)",
            "losses of the 20 steps before: " + string.Join(' ', recent.Select(l => l.ToString("0.0000", CultureInfo.InvariantCulture))),
            "max |w| per tensor: " + string.Join(", ", p.Select(e => $"{e.Key} {e.Value.abs().max().item<float>().ToString("G4", CultureInfo.InvariantCulture)}"))) + "\n");
        return path;
    }
}
