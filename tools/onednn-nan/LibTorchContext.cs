using System.Runtime.InteropServices;

namespace OneDnnNan;

/// <summary>libtorch's global switches that TorchSharp does not wrap (exported C++ symbols of libtorch_cpu).</summary>
static class LibTorchContext
{
    public static void UseOneDnn(bool enabled) => SetUserEnabledMkldnn(GlobalContext(), enabled);

    public static void UseNnpack(bool enabled) => SetUserEnabledNnpack(GlobalContext(), enabled);

    /// <summary>torch.set_flush_denormal: true when the CPU accepted flush-to-zero.</summary>
    public static bool FlushDenormal(bool enabled) => SetFlushDenormal(GlobalContext(), enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context16setFlushDenormalEb")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool SetFlushDenormal(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
