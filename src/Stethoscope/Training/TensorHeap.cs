using System.Runtime.InteropServices;

namespace Stethoscope.Training;

/// <summary>
/// Keeps glibc's heap from handing libtorch's CPU tensors back to the kernel between steps. By default glibc serves
/// an allocation above a moving threshold (128 KiB at first, at most 32 MiB) with its own <c>mmap</c> and trims the
/// heap's free top beyond twice that, so a loop that frees and allocates megabyte tensors every layer faults fresh
/// zeroed pages in over and over: measured on the 20-layer, 1-channel ERF stack, the same forward and backward pass
/// took 1.1 s or 3.3 s depending only on the order the earlier allocations happened in. With the threshold at 1 GiB
/// and no trimming, freed tensor memory is reused and the times are the fast ones whatever the order
/// (docs/benchmarks.md, "Effective-receptive-field throughput"); the resident size then stays near its peak instead
/// of shrinking between passes. Applied once per process with the kernel choice (<see cref="CpuKernels"/>) and
/// recorded in run.json as <c>cpu_heap</c>. Left alone with <c>STETHOSCOPE_HEAP=libc</c>, when the user tunes glibc's
/// heap (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>, <c>glibc.malloc</c> tunables), and where the C library
/// has no <c>mallopt</c>.
/// </summary>
public static class TensorHeap
{
    /// <summary>The environment variable that chooses: unset or <c>kept</c> (the settings here) or <c>libc</c>.</summary>
    public const string Variable = "STETHOSCOPE_HEAP";

    /// <summary>Allocations below this come from the heap; glibc's own maximum for its moving threshold is 32 MiB,
    /// less than one activation of a batch of 16 ImageNet images (51 MiB at the ResNet stem).</summary>
    public const int MmapThreshold = 1 << 30;

    static readonly string[] glibcVariables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"];

    /// <summary>What was done, as run.json records it: <c>kept (mmap threshold 1 GiB, no trim)</c>, or why the heap was
    /// left alone.</summary>
    public static string Description { get; private set; } = "not configured";

    /// <summary>What a value of <see cref="Variable"/> asks for: true to keep freed memory. Anything but kept, libc or
    /// unset is refused.</summary>
    internal static bool WantsKept(string? value) => value switch
    {
        null or "kept" => true,
        "libc" => false,
        _ => throw new InvalidOptionException($"{Variable} must be kept (reuse freed tensor memory, the default) or libc (glibc's own heap settings); got '{value}'"),
    };

    internal static void Configure()
    {
        if (!WantsKept(Environment.GetEnvironmentVariable(Variable)))
        {
            Description = $"glibc defaults ({Variable}=libc)";
            return;
        }
        if (UserTuning(Environment.GetEnvironmentVariable) is { } tuned)
        {
            Description = $"glibc settings of the user ({tuned})";
            return;
        }
        Description = TryKeep() ? "kept (mmap threshold 1 GiB, no trim)" : "allocator defaults (no glibc mallopt)";
    }

    /// <summary>The glibc variable by which the user tunes the heap, if any: the two malloc variables, or glibc's
    /// tunables when they name a <c>glibc.malloc</c> one (tunables of other parts leave the heap to us).</summary>
    internal static string? UserTuning(Func<string, string?> variable) =>
        glibcVariables.FirstOrDefault(v => variable(v) is not null)
        ?? (variable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) == true ? "GLIBC_TUNABLES" : null);

    static bool TryKeep()
    {
        try
        {
            // Setting either turns glibc's moving threshold off, so both are set: the trim alone leaves every tensor
            // above 128 KiB to mmap, the threshold alone trims the heap after each pass (measured: 4.5 s and 2.0 s
            // against 1.1 s on the stack above).
            return SetMallocOption(TrimThreshold, int.MaxValue) == 1 && SetMallocOption(MmapThresholdOption, MmapThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    const int TrimThreshold = -1;
    const int MmapThresholdOption = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int SetMallocOption(int parameter, int value);
}
