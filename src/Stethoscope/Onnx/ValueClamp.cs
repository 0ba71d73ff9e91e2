using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>
/// ONNX's <c>Clip</c>: every value clamped to [<see cref="Min"/>, <see cref="Max"/>] (an infinite bound leaves that
/// side open). Not TorchSharp's <c>Hardtanh</c>: in TorchSharp 0.107 its <c>Tensor.hardtanh(min, max)</c> returns the
/// input unchanged.
/// </summary>
public sealed class ValueClamp : nn.Module<Tensor, Tensor>, IReceptiveFieldLeaf
{
    public ValueClamp(double min, double max) : base(nameof(ValueClamp))
    {
        Min = min;
        Max = max;
    }

    public double Min { get; }

    public double Max { get; }

    public override Tensor forward(Tensor input) =>
        input.clamp(double.IsNegativeInfinity(Min) ? null : (Scalar)Min, double.IsPositiveInfinity(Max) ? null : (Scalar)Max);

    public LeafGeometry Geometry(long[] inputShape, long[] outputShape) => LeafGeometry.Pointwise;
}
