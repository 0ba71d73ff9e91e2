using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>
/// ONNX's <c>Add</c>, <c>Sub</c>, <c>Mul</c>, <c>Div</c> and <c>Sum</c> with NumPy broadcasting: with a constant operand a
/// <see cref="ConstantOperand"/> child; between run-time tensors (a residual addition) code in the model.
/// </summary>
static class ElementwiseOperators
{
    public static void Add(NodeContext node) => Binary(node, ConstantOperation.Add, (a, b) => a.add(b));

    public static void Sub(NodeContext node) => Binary(node, ConstantOperation.Subtract, (a, b) => a.sub(b));

    public static void Mul(NodeContext node) => Binary(node, ConstantOperation.Multiply, (a, b) => a.mul(b));

    public static void Div(NodeContext node) => Binary(node, ConstantOperation.Divide, (a, b) => a.div(b));

    public static void Sum(NodeContext node)
    {
        if (Enumerable.Range(0, node.InputCount).Any(node.IsConstant))
            throw node.Unsupported("a constant among Sum's inputs is not supported");
        node.Code(x => [x.Skip(1).Aggregate(x[0], (sum, next) => sum.add(next))], keepsPositions: true);
    }

    static void Binary(NodeContext node, ConstantOperation operation, Func<Tensor, Tensor, Tensor> code)
    {
        // Opset 6 and earlier broadcast only when told to, along a given axis.
        if (node.Attributes.Int("broadcast", 0) != 0 && node.Attributes.Has("axis"))
            throw node.Unsupported("broadcasting along an 'axis' (opset 6 and earlier) is not supported");
        node.Attributes.Accept("consumed_inputs");
        if (node.IsConstant(0) && node.IsConstant(1))
            throw node.Unsupported("both operands are constants (export with constant folding)");
        if (node.IsConstant(1))
            node.Module(new ConstantOperand(operation, node.Constant(1), constantFirst: false));
        else if (node.IsConstant(0))
            node.Module(new ConstantOperand(operation, node.Constant(0), constantFirst: true), input: 1);
        else
            node.Code(x => [code(x[0], x[1])], keepsPositions: true);
    }
}
