using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>ONNX's <c>Gemm</c> and <c>MatMul</c> with a constant matrix, as <c>Linear</c> children; <c>MatMul</c> of
/// two run-time tensors as code.</summary>
static class LinearOperators
{
    /// <summary><c>alpha·A·B' + beta·C</c> with <c>B' = Bᵀ</c> when <c>transB</c>: a <c>Linear</c> layer whose weight
    /// is <c>alpha·B'ᵀ</c> and bias <c>beta·C</c> (C one value per output).</summary>
    public static void Gemm(NodeContext node)
    {
        var a = node.Attributes;
        if (a.Int("transA", 0) != 0)
            throw node.Unsupported("transA=1 (a transposed input) is not supported");
        a.Accept("broadcast");
        var alpha = a.Float("alpha", 1);
        var beta = a.Float("beta", 1);
        var b = node.State(1);
        using var weight = (a.Int("transB", 0) != 0 ? b : b.t()).mul(alpha);
        using var bias = node.OptionalState(2)?.mul(beta);
        if (bias is not null && bias.numel() != weight.shape[0] && bias.numel() != 1)
            throw node.Unsupported($"C of shape [{string.Join("x", bias.shape)}] is not one value per output");
        node.Module(Linear(node, weight, bias is null ? null : bias.numel() == 1 ? bias.expand(weight.shape[0]) : bias));
    }

    public static void MatMul(NodeContext node)
    {
        if (!node.IsConstant(1))
        {
            node.Code(x => [x[0].matmul(x[1])], keepsPositions: false);
            return;
        }
        var b = node.State(1);
        if (b.dim() != 2)
            throw node.Unsupported($"a constant of shape [{string.Join("x", b.shape)}]: only a matrix is supported");
        using var weight = b.t();
        node.Module(Linear(node, weight, null));
    }

    static nn.Module<Tensor, Tensor> Linear(NodeContext node, Tensor weight, Tensor? bias)
    {
        var linear = nn.Linear(weight.shape[1], weight.shape[0], hasBias: bias is not null);
        ConvolutionOperators.Assign(node, linear.weight!, weight);
        if (bias is not null)
            ConvolutionOperators.Assign(node, linear.bias!, bias);
        return linear;
    }
}
