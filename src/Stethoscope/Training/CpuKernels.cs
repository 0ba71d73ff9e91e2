using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>
/// Chooses libtorch's CPU convolution kernels before any model runs. TorchSharp 0.107's libtorch 2.10 sends CPU
/// convolutions to oneDNN (mkldnn); on this project's AMD EPYC (AVX-512) machines those kernels now and then
/// write NaN into activations and gradients whose inputs and weights are finite, and once NaN is in the weights a
/// run is lost: in 1,500-step runs of plain TorchSharp, 5 of 8 seeds were corrupted with oneDNN and 0 of 11
/// without it. libtorch's own im2col kernels are used instead (about a quarter slower here); NNPACK is turned off
/// too, because it is what libtorch falls back to first and it is several times slower for these layer sizes.
/// Set <c>STETHOSCOPE_ONEDNN=on</c> to keep oneDNN on machines where it is sound.
/// </summary>
public static class CpuKernels
{
    /// <summary>The environment variable that keeps oneDNN's convolutions.</summary>
    public const string OneDnnVariable = "STETHOSCOPE_ONEDNN";

    static readonly Lazy<bool> configured = new(Configure);

    /// <summary>True when oneDNN is in use (the variable asked for it).</summary>
    public static bool OneDnnEnabled => configured.Value;

    /// <summary>Applies the choice once per process; later calls do nothing.</summary>
    public static void EnsureConfigured() => _ = configured.Value;

    static bool Configure()
    {
        InitializeDeviceType(DeviceType.CPU);
        if (Environment.GetEnvironmentVariable(OneDnnVariable) == "on")
            return true;
        var context = GlobalContext();
        SetUserEnabledMkldnn(context, false);
        SetUserEnabledNnpack(context, false);
        return false;
    }

    // at::globalContext() and its setters are exported C++ symbols of libtorch_cpu; TorchSharp does not wrap them.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
