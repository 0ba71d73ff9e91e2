using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>ONNX's <c>Flatten</c>, <c>Reshape</c>, <c>Concat</c>, <c>Split</c>, <c>Pad</c>, <c>Identity</c>,
/// <c>Dropout</c> and <c>Constant</c>.</summary>
static class ShapeOperators
{
    public static void Flatten(NodeContext node)
    {
        var axis = node.Attributes.Int("axis", 1);
        if (axis != 1)
            throw node.Unsupported($"axis {axis} is not supported (only 1: one vector per image)");
        node.Module(nn.Flatten());
    }

    public static void Reshape(NodeContext node)
    {
        if (node.Attributes.Int("allowzero", 0) != 0)
            throw node.Unsupported("allowzero=1 is not supported");
        var shape = node.Opset < 5 ? node.Attributes.Ints("shape", []) : node.Constant(1).data<long>().ToArray();
        node.Module(new ShapedReshape(shape));
    }

    /// <summary>Concatenation along the channel axis keeps positions (each channel of the result is one input's).</summary>
    public static void Concat(NodeContext node)
    {
        var axis = node.Attributes.Int("axis", 1);
        node.Code(x => [cat(x, axis)], keepsPositions: axis == 1);
    }

    public static void Split(NodeContext node)
    {
        var axis = node.Attributes.Int("axis", 0);
        var sizes = node.Opset < 13 ? node.Attributes.Ints("split", []) : node.OptionalConstant(1)?.data<long>().ToArray() ?? [];
        var parts = node.Attributes.Int("num_outputs", 0);
        var outputs = parts > 0 ? parts : node.OutputCount;
        node.Code(x => sizes.Length > 0 ? x[0].split(sizes, axis) : x[0].chunk(outputs, axis), keepsPositions: axis == 1);
    }

    /// <summary>Pads on the two spatial axes of a map (pads on the batch or channel axis are refused), constant,
    /// reflect or edge.</summary>
    public static void Pad(NodeContext node)
    {
        var a = node.Attributes;
        var mode = a.String("mode", "constant") switch
        {
            "constant" => PaddingModes.Constant,
            "reflect" => PaddingModes.Reflect,
            "edge" => PaddingModes.Replicate,
            var other => throw node.Unsupported($"mode '{other}' is not supported (constant, reflect, edge)"),
        };
        long[] pads;
        double value;
        if (node.Opset < 11)
            (pads, value) = (a.Ints("pads", []), a.Float("value", 0));
        else
        {
            pads = node.Constant(1).data<long>().ToArray();
            value = node.OptionalConstant(2) is { } v ? v.to_type(float64).item<double>() : 0;
            if (node.OptionalConstant(3) is not null)
                throw node.Unsupported("an 'axes' input is not supported");
        }
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0)
            throw node.Unsupported($"pads {string.Join(",", pads)}: only padding of the two spatial axes of an (N, C, H, W) map is supported");
        node.Module(new ExplicitPad([pads[2], pads[3], pads[6], pads[7]], mode, value));
    }

    public static void Identity(NodeContext node)
    {
        if (node.IsConstant(0))
            node.ConstantOutput(node.Constant(0).clone());
        else
            node.Module(nn.Identity());
    }

    /// <summary>A <c>Dropout</c> child with the node's ratio: the identity in evaluation mode, as the export was, and
    /// dropout when the imported network trains.</summary>
    public static void Dropout(NodeContext node)
    {
        var ratio = node.Opset < 12 ? node.Attributes.Float("ratio", 0.5f) : node.OptionalConstant(1) is { } r ? r.item<float>() : 0.5f;
        node.Attributes.Accept("is_test", "seed");
        if (node.OptionalConstant(2) is { } training && training.item<bool>())
            throw node.Unsupported("training_mode=true is not supported");
        node.Module(nn.Dropout(ratio));
    }

    public static void Constant(NodeContext node)
    {
        var a = node.Attributes;
        if (a.Tensor("value") is { } proto)
            node.ConstantOutput(OnnxTensors.ToTensor(proto, node.What));
        else if (a.Has("value_float"))
            node.ConstantOutput(tensor(a.Float("value_float", 0)));
        else if (a.Has("value_floats"))
            node.ConstantOutput(tensor(a.Floats("value_floats", [])));
        else if (a.Has("value_int"))
            node.ConstantOutput(tensor(a.Int("value_int", 0)));
        else if (a.Has("value_ints"))
            node.ConstantOutput(tensor(a.Ints("value_ints", [])));
        else
            throw node.Unsupported("only value, value_float(s) and value_int(s) constants are supported");
    }
}
