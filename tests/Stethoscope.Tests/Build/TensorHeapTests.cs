using System.Runtime.InteropServices;
using Stethoscope.Training;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Build;

public class TensorHeapTests
{
    /// <summary>glibc's mallinfo2: ten size_t counters; the fifth is the bytes held in mmap'd blocks.</summary>
    [StructLayout(LayoutKind.Sequential)]
    struct MallocInfo
    {
        public nuint Arena, OrdinaryBlocks, SmallBlocks, MappedBlocks, MappedBytes, Unused1, Unused2, Allocated, Free, Releasable;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallocInfo MallInfo();

    [Fact]
    public void A_tensor_larger_than_glibcs_own_mmap_ceiling_comes_from_the_heap()
    {
        Assert.Null(Environment.GetEnvironmentVariable(TensorHeap.Variable));
        Devices.Resolve(DeviceChoice.Cpu);
        Assert.Equal("kept (mmap threshold 1 GiB, no trim)", TensorHeap.Description);
        // 40 MiB: glibc's moving threshold stops at 32 MiB, so with its defaults this block would always be mmap'd.
        const long Bytes = 40L << 20;
        var before = MallInfo().MappedBytes;
        using var large = ones(Bytes / sizeof(float));
        var mapped = (long)MallInfo().MappedBytes - (long)before;
        Assert.True(mapped < Bytes, $"{mapped} bytes newly mmap'd for a {Bytes}-byte tensor");
        Assert.Equal(1f, large[^1].item<float>());
    }

    [Theory]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "0", "MALLOC_TRIM_THRESHOLD_")]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "65536", "MALLOC_MMAP_THRESHOLD_")]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0", "GLIBC_TUNABLES")]
    [InlineData("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F", null)]
    [InlineData("OTHER", "1", null)]
    public void Only_the_users_own_heap_settings_leave_it_alone(string name, string value, string? tuning) =>
        Assert.Equal(tuning, TensorHeap.UserTuning(v => v == name ? value : null));

    [Theory]
    [InlineData(null, true)]
    [InlineData("kept", true)]
    [InlineData("libc", false)]
    public void The_variable_is_kept_or_libc(string? value, bool kept) => Assert.Equal(kept, TensorHeap.WantsKept(value));

    [Theory]
    [InlineData("off")]
    [InlineData("KEPT")]
    [InlineData("")]
    public void Any_other_value_is_refused_naming_the_valid_ones(string value)
    {
        var error = Assert.Throws<InvalidOptionException>(() => TensorHeap.WantsKept(value));
        Assert.Equal($"STETHOSCOPE_HEAP must be kept (reuse freed tensor memory, the default) or libc (glibc's own heap settings); got '{value}'", error.Message);
    }
}
