namespace Stethoscope.Models;

/// <summary>How a layer's output positions depend on its input positions, which is all receptive fields need.</summary>
public enum GeometryKind
{
    /// <summary>Each output position reads the same input position (activations, dropout).</summary>
    Pointwise,

    /// <summary>A square sliding window: convolution, pooling.</summary>
    Window,

    /// <summary>Every output reads the whole input (flatten, fully connected).</summary>
    Global,

    /// <summary>Windows that differ from position to position (adaptive pooling to a size that does not divide the input).</summary>
    Irregular,
}

/// <summary>
/// A layer's spatial geometry: kernel, stride, padding and dilation of its window, as in the receptive-field
/// recurrences of Araujo et al., "Computing Receptive Fields of Convolutional Neural Networks" (Distill 2019).
/// </summary>
public sealed record LayerGeometry(GeometryKind Kind, int Kernel = 1, int Stride = 1, int Padding = 0, int Dilation = 1, string? Reason = null)
{
    public static LayerGeometry Pointwise { get; } = new(GeometryKind.Pointwise);

    public static LayerGeometry Global { get; } = new(GeometryKind.Global);

    public static LayerGeometry Window(int kernel, int stride, int padding = 0, int dilation = 1) =>
        new(GeometryKind.Window, kernel, stride, padding, dilation);

    public static LayerGeometry Irregular(string reason) => new(GeometryKind.Irregular, Reason: reason);

    /// <summary>The span of input positions one window touches: <c>dilation·(kernel−1)+1</c>.</summary>
    public int Span => Dilation * (Kernel - 1) + 1;
}
