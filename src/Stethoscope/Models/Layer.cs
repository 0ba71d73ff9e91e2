using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>One named layer of a <see cref="LayerStack"/>, the shape of its output for one input (batch dimension
/// left out) and its spatial geometry.</summary>
public sealed record Layer(string Name, nn.Module<Tensor, Tensor> Module, long[] OutputShape, LayerGeometry Geometry)
{
    /// <summary>The layer's weight (convolution kernels, fully connected matrix), or null for layers without one.
    /// Looked up once: probes read it every step.</summary>
    public TorchSharp.Modules.Parameter? Weight { get; } =
        Module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter;

    public string Kind => Module.GetType().Name;
}
