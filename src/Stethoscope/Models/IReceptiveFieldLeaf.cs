namespace Stethoscope.Models;

/// <summary>
/// How one call of a leaf module maps its input positions to its output positions, per spatial axis (rows, columns):
/// a window of <see cref="Kernel"/> taps <see cref="Dilation"/> apart, moved by <see cref="Stride"/>, starting
/// <see cref="PaddingBefore"/> positions before the input. Only the padding before the first unit matters for the
/// field (Araujo et al., Distill 2019): padding after the last unit changes how many units there are, not where they
/// look, so asymmetric padding is described exactly.
/// </summary>
public sealed record LeafGeometry(GeometryKind Kind, long[] Kernel, long[] Stride, long[] PaddingBefore, long[] Dilation, string? Reason = null)
{
    public static LeafGeometry Pointwise { get; } = new(GeometryKind.Pointwise, [1, 1], [1, 1], [0, 0], [1, 1]);

    /// <summary>Every unit of a map feeds every output (a flatten).</summary>
    public static LeafGeometry Global { get; } = new(GeometryKind.Global, [1, 1], [1, 1], [0, 0], [1, 1]);

    public static LeafGeometry Window(long[] kernel, long[] stride, long[] paddingBefore, long[] dilation) =>
        new(GeometryKind.Window, kernel, stride, paddingBefore, dilation);

    public static LeafGeometry Irregular(string reason) => new(GeometryKind.Irregular, [1, 1], [1, 1], [0, 0], [1, 1], reason);
}

/// <summary>
/// Implemented by a leaf module that is none of TorchSharp's own layers (an imported ONNX operator: a pooling with
/// asymmetric padding, an explicit pad, an elementwise operation with a constant), so that the theoretical
/// receptive-field trace knows its geometry instead of calling it unknown.
/// </summary>
public interface IReceptiveFieldLeaf
{
    /// <summary>The geometry of a call that read <paramref name="inputShape"/> and made <paramref name="outputShape"/> (batch included).</summary>
    LeafGeometry Geometry(long[] inputShape, long[] outputShape);
}
