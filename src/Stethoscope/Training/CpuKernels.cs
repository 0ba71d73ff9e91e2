using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>
/// Chooses libtorch's CPU convolution kernels once per process, before any model runs. By default oneDNN (mkldnn,
/// libtorch's own choice and the fastest here), with its instruction set capped at AVX2 unless
/// <c>ONEDNN_MAX_CPU_ISA</c> is set; <c>STETHOSCOPE_ONEDNN=off</c> chooses libtorch's im2col kernels instead (and turns
/// NNPACK off, which libtorch falls back to first and which is several times slower for these layer sizes). Why the
/// cap: on earlier AMD EPYC VMs of this project 5 of 8 runs with oneDNN turned non-finite where runs without it did
/// not, on VMs whose instruction set was not recorded; AVX2 is the set whose kernels passed issue 16's bar (20 runs of
/// 1,500 steps without a non-finite value, docs/onednn-nan.md), so every machine runs those. The choice is recorded in
/// run.json (<see cref="Description"/>).
/// </summary>
public static class CpuKernels
{
    /// <summary>The environment variable that chooses: <c>on</c> or unset (oneDNN) or <c>off</c> (im2col).</summary>
    public const string OneDnnVariable = "STETHOSCOPE_ONEDNN";

    /// <summary>oneDNN's own variable capping the instruction set its kernels may use (read by oneDNN at first use).</summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    /// <summary>The cap applied when the user set none: the instruction set whose kernels passed the soundness bar.</summary>
    public const string DefaultIsaCap = "AVX2";

    static readonly Lazy<bool> configured = new(Configure);
    static bool capped;

    /// <summary>True when oneDNN is in use.</summary>
    public static bool OneDnnEnabled => configured.Value;

    /// <summary>The kernels in use and what chose them, as run.json records them: for example
    /// <c>onednn (default; ONEDNN_MAX_CPU_ISA=AVX2)</c> or <c>im2col (STETHOSCOPE_ONEDNN=off; oneDNN and NNPACK off)</c>.</summary>
    public static string Description
    {
        get
        {
            var chosenBy = Environment.GetEnvironmentVariable(OneDnnVariable) is { } value ? $"{OneDnnVariable}={value}" : "default";
            if (!OneDnnEnabled)
                return $"im2col ({chosenBy}; oneDNN and NNPACK off)";
            var isa = Environment.GetEnvironmentVariable(OneDnnIsaVariable);
            return $"onednn ({chosenBy}; {OneDnnIsaVariable}={isa}{(capped ? "" : ", set by the user")})";
        }
    }

    /// <summary>Applies the choice once per process; later calls do nothing.</summary>
    public static void EnsureConfigured() => _ = configured.Value;

    /// <summary>What a value of <see cref="OneDnnVariable"/> asks for: true for oneDNN. Anything but on, off or unset is
    /// refused, so that a typo does not silently pick the other kernels.</summary>
    internal static bool WantsOneDnn(string? value) => value switch
    {
        null or "on" => true,
        "off" => false,
        _ => throw new InvalidOptionException($"{OneDnnVariable} must be on (oneDNN convolutions, the default) or off (libtorch's im2col); got '{value}'"),
    };

    static bool Configure()
    {
        var oneDnn = WantsOneDnn(Environment.GetEnvironmentVariable(OneDnnVariable));
        TensorHeap.Configure();
        if (oneDnn && Environment.GetEnvironmentVariable(OneDnnIsaVariable) is null)
            CapInstructionSet();
        InitializeDeviceType(DeviceType.CPU);
        if (oneDnn)
            return true;
        SetOneDnn(false);
        SetNnpack(false);
        return false;
    }

    /// <summary>oneDNN reads its cap with libc's getenv when it first dispatches a kernel, and .NET keeps its own copy of
    /// the environment (for child processes and <see cref="Description"/>): both are set.</summary>
    static void CapInstructionSet()
    {
        Environment.SetEnvironmentVariable(OneDnnIsaVariable, DefaultIsaCap);
        if (SetNativeEnvironment(OneDnnIsaVariable, DefaultIsaCap, overwrite: 0) != 0)
            throw new StethoscopeException($"could not set {OneDnnIsaVariable} for oneDNN (setenv failed)");
        capped = true;
    }

    /// <summary>Turns oneDNN's convolutions on or off at once, whatever the process chose: for diagnosis
    /// (tools/onednn-nan compares both on the same tensors in one process).</summary>
    public static void SetOneDnn(bool enabled) => SetUserEnabledMkldnn(GlobalContext(), enabled);

    /// <summary>Turns NNPACK's convolutions on or off at once.</summary>
    public static void SetNnpack(bool enabled) => SetUserEnabledNnpack(GlobalContext(), enabled);

    /// <summary>torch.set_flush_denormal: denormal floats read and written as zero on this thread's CPU state; false when
    /// the CPU cannot.</summary>
    public static bool SetFlushDenormal(bool enabled) => SetFlushDenormalNative(GlobalContext(), enabled);

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetNativeEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

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
