using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>
/// Turns a <see cref="DeviceChoice"/> into a TorchSharp device, refusing CUDA where there is none. Every path that
/// runs a model resolves its device here, so this is where the CPU kernels are chosen (<see cref="CpuKernels"/>).
/// </summary>
public static class Devices
{
    public static Device Resolve(DeviceChoice choice)
    {
        CpuKernels.EnsureConfigured();
        return Pick(choice);
    }

    static Device Pick(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => CPU,
        DeviceChoice.Cuda when cuda.is_available() => CUDA,
        DeviceChoice.Cuda => throw new StethoscopeException(
            "device cuda: TorchSharp sees no CUDA device here (use --device cpu or auto, or run with a CUDA libtorch)"),
        _ => cuda.is_available() ? CUDA : CPU,
    };
}
