using Stethoscope.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace OneDnnNan;

/// <summary>
/// The convolutions of the seed network alone, without training: random finite inputs, weights and upstream gradients
/// of the seed network's shapes; forward, backward-data and backward-weights, many times. Before each repetition the
/// allocator's free memory is optionally poisoned: tensors of many sizes filled with NaN are allocated and freed, so
/// a kernel that reads memory it did not write (padding of a blocked layout, a scratchpad) picks up NaN where in
/// training it would usually pick up finite garbage (and multiply it by a zero weight, hiding the fault).
/// </summary>
static class Stress
{
    public static void Run(int repeats, int batch, bool poison)
    {
        // As in training: conv1's input (the images) needs no gradient, conv2's does.
        (string Name, long[] Input, long[] Weight, bool InputGradient)[] convolutions =
        [
            ("conv1", [batch, 1, 28, 28], [20, 1, 5, 5], false),
            ("conv2", [batch, 20, 12, 12], [50, 20, 5, 5], true),
        ];
        var generator = new Generator(1);
        Console.WriteLine($"# batch {batch}, {repeats} repetitions, poisoned free memory: {poison}");
        Console.WriteLine("convolution\tpart\trepetitions with non-finite values\tnon-finite values in all\tdistinct results");
        foreach (var (name, inputShape, weightShape, inputGradient) in convolutions)
        {
            using var scope = NewDisposeScope();
            var input = randn(inputShape, generator: generator);
            var weight = randn(weightShape, generator: generator).mul_(0.1);
            var bias = randn([weightShape[0]], generator: generator).mul_(0.1);
            using (no_grad())
            {
                CpuKernels.SetOneDnn(false);
                var shape = F.conv2d(input, weight, bias).shape;
                var upstream = randn(shape, generator: generator);
                CpuKernels.SetOneDnn(true);
                var bad = new long[4];
                var count = new long[4];
                var hashes = Enumerable.Range(0, 4).Select(_ => new HashSet<ulong>()).ToArray();
                for (var r = 0; r < repeats; r++)
                {
                    if (poison)
                        Poison(generator);
                    using var inner = NewDisposeScope();
                    var parts = Convolve(input, weight, bias, upstream, inputGradient);
                    for (var i = 0; i < parts.Length; i++)
                    {
                        var n = Replay.NonFinite(parts[i]);
                        bad[i] += n > 0 ? 1 : 0;
                        count[i] += n;
                        hashes[i].Add(Replay.Hash(parts[i]));
                    }
                }
                string[] names = ["output", "grad_input", "grad_weight", "grad_bias"];
                for (var i = 0; i < names.Length; i++)
                    Console.WriteLine($"{name}\t{names[i]}\t{bad[i]}\t{count[i]}\t{hashes[i].Count}");
            }
        }
    }

    static Tensor[] Convolve(Tensor input, Tensor weight, Tensor bias, Tensor upstream, bool inputGradient)
    {
        using var enabled = enable_grad();
        var i = input.detach().requires_grad_(inputGradient);
        var w = weight.detach().requires_grad_(true);
        var b = bias.detach().requires_grad_(true);
        var output = F.conv2d(i, w, b);
        if (!inputGradient)
            return [output.detach(), zeros(1), .. autograd.grad([output], [w, b], [upstream])];
        return [output.detach(), .. autograd.grad([output], [i, w, b], [upstream])];
    }

    /// <summary>Allocates and frees NaN-filled tensors from 1 KiB to 4 MiB, so freed heap memory holds NaN.</summary>
    static void Poison(Generator generator)
    {
        using var scope = NewDisposeScope();
        for (long bytes = 1024; bytes <= 4 << 20; bytes *= 2)
        {
            var extra = randint(0, 256, [1], generator: generator).item<long>() * 4;
            full([(bytes + extra) / 4], float.NaN);
        }
    }
}
