using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>The arithmetic of an elementwise ONNX node with a constant operand.</summary>
public enum ConstantOperation
{
    Add,
    Subtract,
    Multiply,
    Divide,
}

/// <summary>
/// An elementwise ONNX node (<c>Add</c>, <c>Sub</c>, <c>Mul</c>, <c>Div</c>) whose other operand is a constant of the
/// graph (a mean image, a scale), kept as the buffer <c>constant</c> (saved with the model, not trained); with
/// <see cref="ConstantFirst"/> the constant is the left operand (<c>c − x</c>). Position by position, so it keeps the
/// receptive field, unless broadcasting against the constant changes the map's shape.
/// </summary>
public sealed class ConstantOperand : nn.Module<Tensor, Tensor>, IReceptiveFieldLeaf
{
    readonly Tensor constant;

    public ConstantOperand(ConstantOperation operation, Tensor constant, bool constantFirst) : base(nameof(ConstantOperand))
    {
        Operation = operation;
        ConstantFirst = constantFirst;
        this.constant = constant.clone();
        register_buffer("constant", this.constant);
    }

    public ConstantOperation Operation { get; }

    public bool ConstantFirst { get; }

    public override Tensor forward(Tensor input) => (Operation, ConstantFirst) switch
    {
        (ConstantOperation.Add, _) => input.add(constant),
        (ConstantOperation.Multiply, _) => input.mul(constant),
        (ConstantOperation.Subtract, false) => input.sub(constant),
        (ConstantOperation.Subtract, true) => constant.sub(input),
        (ConstantOperation.Divide, false) => input.div(constant),
        _ => constant.div(input),
    };

    public LeafGeometry Geometry(long[] inputShape, long[] outputShape) => inputShape.SequenceEqual(outputShape)
        ? LeafGeometry.Pointwise
        : LeafGeometry.Irregular($"broadcasting against a constant of shape [{string.Join("x", constant.shape)}] changes the map's shape");
}
