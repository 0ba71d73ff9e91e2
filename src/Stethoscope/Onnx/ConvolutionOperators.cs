using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>ONNX's <c>Conv</c> (2-d, groups, dilation, any pads) and <c>BatchNormalization</c> (inference form).</summary>
static class ConvolutionOperators
{
    /// <summary>A <c>Conv2d</c> child named after the node; asymmetric pads become an <see cref="ExplicitPad"/> child
    /// (<c>NODE_pad</c>) before a convolution without padding.</summary>
    public static void Conv(NodeContext node)
    {
        var weight = node.State(1);
        if (weight.dim() != 4)
            throw node.Unsupported($"a {weight.dim() - 2}-d convolution (weight [{string.Join("x", weight.shape)}]); only 2-d convolutions are supported");
        var window = SlidingWindow.Read(node, weight.shape[2..]);
        var groups = node.Attributes.Int("group", 1);
        var bias = node.OptionalState(2);
        var padding = window.Symmetric ? (window.Pads[0], window.Pads[1]) : (0L, 0L);
        var conv = nn.Conv2d(weight.shape[1] * groups, weight.shape[0], (window.Kernel[0], window.Kernel[1]), stride: (window.Strides[0], window.Strides[1]),
            padding: padding, dilation: (window.Dilations[0], window.Dilations[1]), groups: groups, bias: bias is not null);
        Assign(node, conv.weight!, weight);
        if (bias is not null)
            Assign(node, conv.bias!, bias);
        if (window.Symmetric)
            node.Module(conv);
        else
            node.Chain(0, ("_pad", new ExplicitPad(window.Pads)), ("", conv));
    }

    /// <summary>A <c>BatchNorm2d</c> child with the node's scale, shift, running mean and variance, so evaluation mode
    /// computes exactly ONNX's inference form and training mode updates the statistics as PyTorch would.</summary>
    public static void BatchNormalization(NodeContext node)
    {
        var a = node.Attributes;
        if (a.Int("spatial", 1) != 1)
            throw node.Unsupported("spatial=0 (statistics per position) is not supported");
        a.Accept("is_test", "consumed_inputs");
        node.OnlyOutputs(1);
        var scale = node.State(1);
        var norm = nn.BatchNorm2d(scale.shape[0], eps: a.Float("epsilon", 1e-5f), momentum: 1 - a.Float("momentum", 0.9f));
        Assign(node, norm.weight!, scale);
        Assign(node, norm.bias!, node.State(2));
        Assign(node, norm.running_mean!, node.State(3));
        Assign(node, norm.running_var!, node.State(4));
        node.Module(norm);
    }

    /// <summary>Copies an initializer into a module's parameter or buffer, refusing a shape that does not fit.</summary>
    internal static void Assign(NodeContext node, Tensor target, Tensor value)
    {
        if (!target.shape.SequenceEqual(value.shape) && target.numel() != value.numel())
            throw node.Unsupported($"a constant of shape [{string.Join("x", value.shape)}] where [{string.Join("x", target.shape)}] is needed");
        using var noGrad = no_grad();
        target.copy_(value.reshape(target.shape));
    }
}
