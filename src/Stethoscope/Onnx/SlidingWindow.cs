namespace Stethoscope.Onnx;

/// <summary>
/// The window attributes of a 2-d convolution or pooling node: kernel, strides, dilations and the four pads in ONNX's
/// order (top, left, bottom, right), with <c>auto_pad</c> resolved where the pads do not depend on the input size.
/// </summary>
sealed record SlidingWindow(long[] Kernel, long[] Strides, long[] Dilations, long[] Pads)
{
    public long[] PadsBefore => [Pads[0], Pads[1]];

    public long[] PadsAfter => [Pads[2], Pads[3]];

    public bool Symmetric => Pads[0] == Pads[2] && Pads[1] == Pads[3];

    public bool Padded => Pads.Any(p => p != 0);

    /// <summary>Reads the attributes; <paramref name="kernel"/> is what the node implies (a weight's shape) or null,
    /// when <c>kernel_shape</c> must be given (pooling).</summary>
    public static SlidingWindow Read(NodeContext node, long[]? kernel, bool dilations = true)
    {
        var a = node.Attributes;
        var shape = a.Ints("kernel_shape", kernel ?? []);
        if (shape.Length != 2)
            throw node.Unsupported(shape.Length == 0 ? "attribute 'kernel_shape' is missing" : $"a {shape.Length}-d window (kernel_shape {string.Join(",", shape)}); only 2-d windows are supported");
        if (kernel is not null && !shape.SequenceEqual(kernel))
            throw node.Unsupported($"kernel_shape {string.Join(",", shape)} disagrees with the weight's {string.Join("x", kernel)}");
        var strides = Pair(node, "strides", a.Ints("strides", [1, 1]));
        var dilation = dilations ? Pair(node, "dilations", a.Ints("dilations", [1, 1])) : [1, 1];
        var pads = a.Ints("pads", [0, 0, 0, 0]);
        if (pads.Length != 4)
            throw node.Unsupported($"pads {string.Join(",", pads)} are not 4 values (top, left, bottom, right)");
        if (pads.Any(p => p < 0))
            throw node.Unsupported($"negative pads {string.Join(",", pads)}");
        var autoPad = a.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET" or "":
                break;
            case "VALID":
                pads = [0, 0, 0, 0];
                break;
            case "SAME_UPPER" or "SAME_LOWER" when strides.All(s => s == 1):
                // With stride 1 "same" pads do not depend on the input size: the extra one goes after (upper) or before (lower).
                var total = shape.Zip(dilation, (k, d) => d * (k - 1)).ToArray();
                var before = total.Select(t => autoPad == "SAME_UPPER" ? t / 2 : t - t / 2).ToArray();
                pads = [before[0], before[1], total[0] - before[0], total[1] - before[1]];
                break;
            default:
                throw node.Unsupported($"auto_pad {autoPad} with strides {string.Join(",", strides)} (pads that depend on the input size) is not supported; export with explicit pads");
        }
        return new SlidingWindow(shape, strides, dilation, pads);
    }

    static long[] Pair(NodeContext node, string name, long[] values) =>
        values.Length == 2 && values.All(v => v >= 1) ? values : throw node.Unsupported($"{name} {string.Join(",", values)} are not two positive values");
}
