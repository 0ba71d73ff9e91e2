using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>
/// ONNX's <c>Softmax</c> and <c>LogSoftmax</c>. Before opset 13 they normalise over all axes from <c>axis</c> on (the
/// input seen as a matrix, <see cref="Coerced"/>); from opset 13 over <c>axis</c> alone, as PyTorch does.
/// </summary>
public sealed class AxisSoftmax : nn.Module<Tensor, Tensor>, IReceptiveFieldLeaf
{
    public AxisSoftmax(long axis, bool log, bool coerced) : base(nameof(AxisSoftmax))
    {
        Axis = axis;
        Log = log;
        Coerced = coerced;
    }

    public long Axis { get; }

    public bool Log { get; }

    public bool Coerced { get; }

    public override Tensor forward(Tensor input)
    {
        var axis = Axis < 0 ? Axis + input.dim() : Axis;
        if (!Coerced || axis == input.dim() - 1)
            return Log ? nn.functional.log_softmax(input, axis) : nn.functional.softmax(input, axis);
        using var scope = NewDisposeScope();
        var matrix = input.reshape(input.shape[..(int)axis].Aggregate(1L, (a, b) => a * b), -1);
        var result = Log ? nn.functional.log_softmax(matrix, 1) : nn.functional.softmax(matrix, 1);
        return result.reshape(input.shape).MoveToOuterDisposeScope();
    }

    public LeafGeometry Geometry(long[] inputShape, long[] outputShape)
    {
        var axis = Axis < 0 ? Axis + inputShape.Length : Axis;
        var spatial = inputShape.Length == 4 && (Coerced || axis >= 2);
        return spatial ? LeafGeometry.Irregular("a softmax over spatial axes mixes the whole map") : LeafGeometry.Pointwise;
    }
}
