using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>
/// Chooses libtorch's CPU convolution kernels once per process, before any model runs. TorchSharp 0.107's libtorch
/// 2.10 sends CPU convolutions to oneDNN (mkldnn); on this project's AMD EPYC VMs runs with oneDNN were seen to turn
/// non-finite where the same runs without it did not (5 of 8 plain TorchSharp runs of 1,500 steps, 0 of 11 without),
/// and earlier a non-finite step that a recomputation did not repeat. The cause is not found yet (docs/onednn-nan.md,
/// tools/onednn-nan), so the default stays libtorch's own im2col kernels, the one configuration with no corrupted run
/// on record (neither has yet passed issue 16's bar of 20 clean runs of 1,500 steps); NNPACK is turned off too,
/// because it is what libtorch falls back to first and it is several times slower for these layer sizes.
/// <c>STETHOSCOPE_ONEDNN=on</c> keeps oneDNN (22–37% faster at batch 64–256 here; oneDNN itself honours
/// <c>ONEDNN_MAX_CPU_ISA</c>), <c>off</c> or unset uses im2col. The choice is recorded in run.json
/// (<see cref="Description"/>).
/// </summary>
public static class CpuKernels
{
    /// <summary>The environment variable that chooses: <c>on</c> (oneDNN) or <c>off</c> (im2col, the default).</summary>
    public const string OneDnnVariable = "STETHOSCOPE_ONEDNN";

    /// <summary>oneDNN's own variable capping the instruction set its kernels may use (read by oneDNN at first use).</summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    static readonly Lazy<bool> configured = new(Configure);

    /// <summary>True when oneDNN is in use (the variable asked for it).</summary>
    public static bool OneDnnEnabled => configured.Value;

    /// <summary>The kernels in use and what chose them, as run.json records them: for example
    /// <c>im2col (default; oneDNN and NNPACK off)</c> or <c>onednn (STETHOSCOPE_ONEDNN=on, ONEDNN_MAX_CPU_ISA=AVX2)</c>.</summary>
    public static string Description => OneDnnEnabled
        ? $"onednn ({OneDnnVariable}=on, {OneDnnIsaVariable}={Environment.GetEnvironmentVariable(OneDnnIsaVariable) ?? "unset"})"
        : $"im2col ({(Environment.GetEnvironmentVariable(OneDnnVariable) is null ? "default" : $"{OneDnnVariable}=off")}; oneDNN and NNPACK off)";

    /// <summary>Applies the choice once per process; later calls do nothing.</summary>
    public static void EnsureConfigured() => _ = configured.Value;

    /// <summary>What a value of <see cref="OneDnnVariable"/> asks for: true for oneDNN. Anything but on, off or unset is
    /// refused, so that a typo does not silently pick the other kernels.</summary>
    internal static bool WantsOneDnn(string? value) => value switch
    {
        null or "off" => false,
        "on" => true,
        _ => throw new InvalidOptionException($"{OneDnnVariable} must be on (oneDNN convolutions) or off (libtorch's im2col, the default); got '{value}'"),
    };

    static bool Configure()
    {
        InitializeDeviceType(DeviceType.CPU);
        if (WantsOneDnn(Environment.GetEnvironmentVariable(OneDnnVariable)))
            return true;
        SetOneDnn(false);
        SetNnpack(false);
        return false;
    }

    /// <summary>Turns oneDNN's convolutions on or off at once, whatever the process chose: for diagnosis
    /// (tools/onednn-nan compares both on the same tensors in one process).</summary>
    public static void SetOneDnn(bool enabled) => SetUserEnabledMkldnn(GlobalContext(), enabled);

    /// <summary>Turns NNPACK's convolutions on or off at once.</summary>
    public static void SetNnpack(bool enabled) => SetUserEnabledNnpack(GlobalContext(), enabled);

    /// <summary>torch.set_flush_denormal: denormal floats read and written as zero on this thread's CPU state; false when
    /// the CPU cannot.</summary>
    public static bool SetFlushDenormal(bool enabled) => SetFlushDenormalNative(GlobalContext(), enabled);

    // at::globalContext() and its setters are exported C++ symbols of libtorch_cpu; TorchSharp does not wrap them.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context16setFlushDenormalEb")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool SetFlushDenormalNative(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);
}
