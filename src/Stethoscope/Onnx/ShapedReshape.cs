using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>
/// ONNX's <c>Reshape</c> to a constant shape, where 0 copies the input's size on that axis and −1 takes what is left.
/// A map reshaped to one vector per image is a flatten for the receptive field (every unit feeds every output).
/// </summary>
public sealed class ShapedReshape : nn.Module<Tensor, Tensor>, IReceptiveFieldLeaf
{
    public ShapedReshape(long[] shape) : base(nameof(ShapedReshape)) => Shape = shape;

    public IReadOnlyList<long> Shape { get; }

    public override Tensor forward(Tensor input) =>
        input.reshape([.. Shape.Select((size, axis) => size == 0 ? input.shape[axis] : size)]);

    public LeafGeometry Geometry(long[] inputShape, long[] outputShape) =>
        inputShape.SequenceEqual(outputShape) ? LeafGeometry.Pointwise
        : inputShape.Length == 4 && outputShape.Length == 2 && outputShape[0] == inputShape[0] ? LeafGeometry.Global
        : LeafGeometry.Irregular($"a reshape from [{string.Join("x", inputShape)}] to [{string.Join("x", outputShape)}] moves values between positions");
}
