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
}
