using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>ONNX's pointwise activations and the softmax family, as TorchSharp's layers where one means the same.</summary>
static class ActivationOperators
{
    public static void Relu(NodeContext node) => node.Module(nn.ReLU());

    public static void LeakyRelu(NodeContext node) => node.Module(nn.LeakyReLU(node.Attributes.Float("alpha", 0.01f)));

    public static void Sigmoid(NodeContext node) => node.Module(nn.Sigmoid());

    public static void Tanh(NodeContext node) => node.Module(nn.Tanh());

    /// <summary>Bounds from attributes (before opset 11) or constant inputs (after); a missing bound is unbounded.</summary>
    public static void Clip(NodeContext node)
    {
        var a = node.Attributes;
        double min, max;
        if (node.Opset < 11)
            (min, max) = (a.Float("min", float.NegativeInfinity), a.Float("max", float.PositiveInfinity));
        else
            (min, max) = (Bound(node, 1, double.NegativeInfinity), Bound(node, 2, double.PositiveInfinity));
        node.Module(new ValueClamp(min, max));
    }

    static double Bound(NodeContext node, int input, double unbounded) =>
        node.OptionalConstant(input) is { } bound ? bound.to_type(float64).item<double>() : unbounded;

    public static void Softmax(NodeContext node) => Normalise(node, log: false);

    public static void LogSoftmax(NodeContext node) => Normalise(node, log: true);

    static void Normalise(NodeContext node, bool log) =>
        node.Module(new AxisSoftmax(node.Attributes.Int("axis", node.Opset < 13 ? 1 : -1), log, coerced: node.Opset < 13));
}
