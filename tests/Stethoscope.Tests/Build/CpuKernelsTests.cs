using System.Runtime.InteropServices;
using Stethoscope.Training;

namespace Stethoscope.Tests.Build;

public class CpuKernelsTests
{
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool UserEnabledMkldnn(IntPtr context);

    [DllImport("libc", EntryPoint = "getenv")]
    static extern IntPtr NativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [Fact]
    public void Resolving_a_device_keeps_onednn_and_caps_its_instruction_set_where_oneDNN_reads_it()
    {
        Assert.Null(Environment.GetEnvironmentVariable(CpuKernels.OneDnnVariable));
        Devices.Resolve(DeviceChoice.Cpu);
        Assert.True(CpuKernels.OneDnnEnabled);
        // Read back through libtorch's getter and libc's getenv: what oneDNN sees, not just our bookkeeping.
        Assert.True(UserEnabledMkldnn(GlobalContext()));
        Assert.Equal("AVX2", Marshal.PtrToStringUTF8(NativeEnvironment(CpuKernels.OneDnnIsaVariable)));
    }

    [Fact]
    public void The_default_is_recorded_as_onednn_capped_at_avx2_by_default()
    {
        Devices.Resolve(DeviceChoice.Cpu);
        Assert.Equal("onednn (default; ONEDNN_MAX_CPU_ISA=AVX2)", CpuKernels.Description);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("off", false)]
    [InlineData("on", true)]
    public void The_variable_is_on_or_off(string? value, bool oneDnn) => Assert.Equal(oneDnn, CpuKernels.WantsOneDnn(value));

    [Theory]
    [InlineData("ON")]
    [InlineData("1")]
    [InlineData("")]
    public void Any_other_value_is_refused_naming_the_valid_ones(string value)
    {
        var error = Assert.Throws<InvalidOptionException>(() => CpuKernels.WantsOneDnn(value));
        Assert.Equal($"STETHOSCOPE_ONEDNN must be on (oneDNN convolutions, the default) or off (libtorch's im2col); got '{value}'", error.Message);
    }
}
