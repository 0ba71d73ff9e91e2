using System.Globalization;
using System.Runtime.InteropServices;
using Stethoscope.Models;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace OneDnnNan;

/// <summary>
/// Replays one saved step: forward and backward of the whole network, repeated, with oneDNN on and off, printing for
/// every tensor of interest its count of non-finite values and a hash of its bits (identical hashes = bitwise equal
/// results, so a fault that comes and goes shows as differing hashes). Then each convolution alone, on the same
/// inputs and upstream gradient (taken from the im2col pass), oneDNN against im2col: output, grad_input, grad_weight.
/// </summary>
static class Replay
{
    public static void Run(string path, int repeats)
    {
        var saved = Safetensors.Read(path);
        var p = SeedNet.Names.ToDictionary(n => n, n => saved[n].requires_grad_(true));
        var x = saved["batch.images"];
        var y = saved["batch.labels"].to_type(ScalarType.Int64);
        Console.WriteLine("kernels\trepeat\ttensor\tnon_finite\tmax_abs\thash");
        var reference = new Dictionary<string, Tensor>();
        var firstOneDnn = new Dictionary<string, Tensor>();
        foreach (var oneDnn in new[] { true, false })
        {
            CpuKernels.SetOneDnn(oneDnn);
            for (var r = 0; r < repeats; r++)
            {
                var results = WholeStep(p, x, y);
                foreach (var (name, t) in results)
                    Console.WriteLine(FormattableString.Invariant($"{(oneDnn ? "onednn" : "im2col")}\t{r}\t{name}\t{NonFinite(t)}\t{MaxAbs(t):G6}\t{Hash(t):x16}"));
                var keep = oneDnn ? firstOneDnn : reference;
                if (r == 0)
                    foreach (var (name, t) in results)
                        keep[name] = t;
            }
        }
        Console.WriteLine();
        Console.WriteLine("tensor\tmax |onednn - im2col| (finite entries)\tmax |im2col|");
        foreach (var (name, t) in reference)
            Console.WriteLine(FormattableString.Invariant($"{name}\t{MaxDifference(firstOneDnn[name], t):G6}\t{MaxAbs(t):G6}"));
        Console.WriteLine();
        EachConvolution(p, reference);
    }

    /// <summary>Forward and backward of the whole network; every interesting tensor, detached.</summary>
    static List<(string, Tensor)> WholeStep(Dictionary<string, Tensor> p, Tensor x, Tensor y)
    {
        foreach (var t in p.Values)
            t.grad?.zero_();
        var pass = SeedNet.Forward(p, x, y, keep: true);
        pass.Loss.backward();
        List<(string, Tensor)> results =
        [
            ("loss", pass.Loss.detach().clone()),
            ("conv1.output", pass.Conv1.detach().clone()),
            ("conv2.output", pass.Conv2.detach().clone()),
            ("conv1.grad_output", pass.Conv1.grad!.clone()),
            ("conv2.grad_output", pass.Conv2.grad!.clone()),
            ("conv1.grad_input", pass.Input.grad!.clone()),
            ("conv2.grad_input", pass.Pool1.grad!.clone()),
            ("conv1.input", pass.Input.detach().clone()),
            ("conv2.input", pass.Pool1.detach().clone()),
        ];
        results.AddRange(SeedNet.Names.Select(n => ("grad." + n, p[n].grad!.clone())));
        return results;
    }

    /// <summary>Each convolution alone on the im2col pass's input and upstream gradient, with oneDNN and with im2col.</summary>
    static void EachConvolution(Dictionary<string, Tensor> p, Dictionary<string, Tensor> reference)
    {
        Console.WriteLine("convolution\tpart\tonednn non_finite\tim2col non_finite\tmax |difference|\tmax |im2col|\tonednn hashes over 3 repeats");
        (string Name, Tensor Input, string Weight)[] convolutions =
        [
            ("conv1", reference["conv1.input"], "conv1"),
            ("conv2", reference["conv2.input"], "conv2"),
        ];
        foreach (var (name, input, layer) in convolutions)
        {
            var upstream = reference[name + ".grad_output"];
            CpuKernels.SetOneDnn(false);
            var expected = Convolve(input, p[layer + ".weight"], p[layer + ".bias"], upstream);
            CpuKernels.SetOneDnn(true);
            var runs = Enumerable.Range(0, 3).Select(_ => Convolve(input, p[layer + ".weight"], p[layer + ".bias"], upstream)).ToArray();
            string[] parts = ["output", "grad_input", "grad_weight", "grad_bias"];
            for (var i = 0; i < parts.Length; i++)
            {
                var hashes = string.Join(' ', runs.Select(run => Hash(run[i]).ToString("x8", CultureInfo.InvariantCulture)[..8]));
                Console.WriteLine(FormattableString.Invariant($"{name}\t{parts[i]}\t{NonFinite(runs[0][i])}\t{NonFinite(expected[i])}\t{MaxDifference(runs[0][i], expected[i]):G6}\t{MaxAbs(expected[i]):G6}\t{hashes}"));
            }
        }
    }

    static Tensor[] Convolve(Tensor input, Tensor weight, Tensor bias, Tensor upstream)
    {
        var i = input.detach().clone().requires_grad_(true);
        var w = weight.detach().clone().requires_grad_(true);
        var b = bias.detach().clone().requires_grad_(true);
        var output = F.conv2d(i, w, b);
        var grads = autograd.grad([output], [i, w, b], [upstream]);
        return [output.detach(), .. grads];
    }

    public static long NonFinite(Tensor t) => t.isfinite().logical_not().sum().item<long>();

    static float MaxAbs(Tensor t) => t.numel() == 0 ? 0 : t.nan_to_num(0, 0, 0).abs().max().item<float>();

    static float MaxDifference(Tensor a, Tensor b)
    {
        var both = a.isfinite().logical_and(b.isfinite());
        return (a - b).abs().where(both, zeros_like(a)).max().item<float>();
    }

    /// <summary>FNV-1a over the float bits: equal hashes mean bitwise-equal tensors (to 64-bit confidence).</summary>
    public static ulong Hash(Tensor t)
    {
        var values = t.contiguous().data<float>().ToArray();
        var hash = 14695981039346656037UL;
        foreach (var b in MemoryMarshal.AsBytes(values.AsSpan()))
            hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
