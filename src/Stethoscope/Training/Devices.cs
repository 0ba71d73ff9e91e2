using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>Turns a <see cref="DeviceChoice"/> into a TorchSharp device, refusing CUDA where there is none.</summary>
public static class Devices
{
    public static Device Resolve(DeviceChoice choice) => choice switch
    {
        DeviceChoice.Cpu => CPU,
        DeviceChoice.Cuda when cuda.is_available() => CUDA,
        DeviceChoice.Cuda => throw new StethoscopeException(
            "device cuda: TorchSharp sees no CUDA device here (use --device cpu or auto, or run with a CUDA libtorch)"),
        _ => cuda.is_available() ? CUDA : CPU,
    };
}
