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

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool UserEnabledNnpack(IntPtr context);

    [Fact]
    public void Resolving_a_device_turns_off_onednn_and_nnpack_in_libtorch()
    {
        Assert.Null(Environment.GetEnvironmentVariable(CpuKernels.OneDnnVariable));
        Devices.Resolve(DeviceChoice.Cpu);
        Assert.False(CpuKernels.OneDnnEnabled);
        // Read back through libtorch's own getters: the flags really changed, not just our bookkeeping.
        Assert.False(UserEnabledMkldnn(GlobalContext()));
        Assert.False(UserEnabledNnpack(GlobalContext()));
    }

    [Fact]
    public void The_default_is_recorded_as_im2col_chosen_by_default()
    {
        Devices.Resolve(DeviceChoice.Cpu);
        Assert.Equal("im2col (default; oneDNN and NNPACK off)", CpuKernels.Description);
    }

    [Theory]
    [InlineData(null, false)]
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
        Assert.Equal($"STETHOSCOPE_ONEDNN must be on (oneDNN convolutions) or off (libtorch's im2col, the default); got '{value}'", error.Message);
    }
}
