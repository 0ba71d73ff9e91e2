using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>
/// Pads (or, with negative amounts, crops) the two spatial axes of a map: ONNX's <c>Pad</c>, and the asymmetric
/// padding of a convolution or pooling (<c>pads 3,3,2,2</c>), which TorchSharp's layers cannot express, made explicit
/// before them. Constant padding keeps the receptive-field formula exact: a window of one pixel that starts
/// <c>top</c> rows and <c>left</c> columns before the input.
/// </summary>
public sealed class ExplicitPad : nn.Module<Tensor, Tensor>, IReceptiveFieldLeaf
{
    readonly long[] functionalPads;

    /// <param name="pads">top, left, bottom, right (ONNX's order)</param>
    /// <param name="mode">constant, reflect or replicate (ONNX's <c>edge</c>)</param>
    /// <param name="value">the constant's value</param>
    public ExplicitPad(long[] pads, PaddingModes mode = PaddingModes.Constant, double value = 0) : base(nameof(ExplicitPad))
    {
        Pads = pads;
        Mode = mode;
        Value = value;
        functionalPads = [pads[1], pads[3], pads[0], pads[2]];
    }

    /// <summary>top, left, bottom, right.</summary>
    public IReadOnlyList<long> Pads { get; }

    public PaddingModes Mode { get; }

    public double Value { get; }

    public override Tensor forward(Tensor input) => nn.functional.pad(input, functionalPads, Mode, Value);

    public LeafGeometry Geometry(long[] inputShape, long[] outputShape) => Mode == PaddingModes.Constant
        ? LeafGeometry.Window([1, 1], [1, 1], [Pads[0], Pads[1]], [1, 1])
        : LeafGeometry.Irregular($"{Mode.ToString().ToLowerInvariant()} padding repeats pixels from inside the map; the window formula assumes constant padding");
}
