using System.Diagnostics;
using System.Globalization;
using OneDnnNan;
using Stethoscope.Data;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

// Reproduction of the non-finite values seen with oneDNN convolutions on the AMD EPYC development machines
// (docs/onednn-nan.md). Plain TorchSharp: nothing of Stethoscope but the bundled digits and the safetensors writer.
//   hunt   [--seeds 0-7] [--steps 1500] [--batch 32] [--lr 0.05] [--momentum 0.5] [--kernels onednn|im2col] [--save DIR]
//   replay FILE [--repeats 3]
//   stress [--repeats 3] [--batch 32] [--poison]   (the two convolutions alone; --poison fills freed memory with NaN)
// Both take [--threads N] (torch.set_num_threads) and [--flush-denormal]. oneDNN's ISA is chosen by the environment
// (ONEDNN_MAX_CPU_ISA=AVX2 …) before the process starts; ONEDNN_VERBOSE=1 prints which implementation runs.
var options = Options.Parse(args.Skip(1));
InitializeDeviceType(DeviceType.CPU);
CpuKernels.SetNnpack(false);
if (options.Threads is { } threads)
    set_num_threads(threads);
if (options.FlushDenormal && !CpuKernels.SetFlushDenormal(true))
    Console.Error.WriteLine("warning: this CPU does not support flushing denormals");
Console.WriteLine($"# threads {get_num_threads()}, flush denormals {options.FlushDenormal}, ONEDNN_MAX_CPU_ISA={Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") ?? "(unset)"}, libtorch {__version__}");
switch (args.FirstOrDefault())
{
    case "hunt":
        using (var data = BundledDigits.Load())
        {
            CpuKernels.SetOneDnn(options.Kernels == "onednn");
            Console.WriteLine($"# kernels {options.Kernels}, batch {options.Batch}, {options.Steps} steps, SGD lr {options.Lr} momentum {options.Momentum}");
            Console.WriteLine("seed\tfirst_non_finite_step\tlast_loss\tseconds\tsaved");
            var corrupted = 0;
            foreach (var seed in options.Seeds)
            {
                var clock = Stopwatch.StartNew();
                var result = Hunt.Run(data, seed, options.Steps, options.Batch, options.Lr, options.Momentum, options.Save);
                corrupted += result.NonFiniteStep is null ? 0 : 1;
                Console.WriteLine(FormattableString.Invariant($"{seed}\t{result.NonFiniteStep?.ToString(CultureInfo.InvariantCulture) ?? "-"}\t{result.LastLoss:0.0000}\t{clock.Elapsed.TotalSeconds:0.0}\t{result.Saved ?? "-"}"));
            }
            Console.WriteLine($"# {corrupted} of {options.Seeds.Count} runs reached a non-finite loss or gradient");
        }
        return 0;
    case "stress":
        Stress.Run(options.Repeats, options.Batch, options.Poison);
        return 0;
    case "replay":
        Replay.Run(args[1], options.Repeats);
        return 0;
    default:
        Console.Error.WriteLine("usage: OneDnnNan hunt [options] | replay FILE [--repeats N] | stress [--repeats N] [--poison]  (see Program.cs)");
        return 2;
}

namespace OneDnnNan
{
    sealed record Options(List<long> Seeds, int Steps, int Batch, double Lr, double Momentum, string Kernels, string? Save,
        int Repeats, int? Threads, bool FlushDenormal, bool Poison)
    {
        public static Options Parse(IEnumerable<string> args)
        {
            var o = new Options([.. Range("0-7")], 1500, 32, 0.05, 0.5, "onednn", null, 3, null, false, false);
            using var e = args.GetEnumerator();
            string Next() => e.MoveNext() ? e.Current : throw new ArgumentException("missing value");
            while (e.MoveNext())
            {
                o = e.Current switch
                {
                    "--seeds" => o with { Seeds = [.. Range(Next())] },
                    "--steps" => o with { Steps = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--batch" => o with { Batch = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--lr" => o with { Lr = double.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--momentum" => o with { Momentum = double.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--kernels" => o with { Kernels = Next() is "onednn" or "im2col" ? e.Current : throw new ArgumentException("--kernels onednn or im2col") },
                    "--save" => o with { Save = Next() },
                    "--repeats" => o with { Repeats = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--threads" => o with { Threads = int.Parse(Next(), CultureInfo.InvariantCulture) },
                    "--flush-denormal" => o with { FlushDenormal = true },
                    "--poison" => o with { Poison = true },
                    var other when !other.StartsWith("--", StringComparison.Ordinal) => o,
                    var other => throw new ArgumentException($"unknown option {other}"),
                };
            }
            return o;
        }

        /// <summary>"3" or "0-7".</summary>
        static IEnumerable<long> Range(string text)
        {
            var parts = text.Split('-');
            var first = long.Parse(parts[0], CultureInfo.InvariantCulture);
            var last = parts.Length > 1 ? long.Parse(parts[1], CultureInfo.InvariantCulture) : first;
            for (var s = first; s <= last; s++)
                yield return s;
        }
    }
}
