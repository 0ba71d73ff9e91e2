using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>One node of an imported graph as it runs: the ONNX values it reads and writes, by name.</summary>
abstract record GraphStep(string Node, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    public abstract Tensor[] Run(Tensor[] inputs);
}

/// <summary>A node that became a child module of one tensor input, called through <c>call()</c> so its hooks fire.</summary>
sealed record ModuleStep(string Node, string Path, nn.Module<Tensor, Tensor> Module, string Input, string Output) : GraphStep(Node, [Input], [Output])
{
    public override Tensor[] Run(Tensor[] inputs) => [Module.call(inputs[0])];
}

/// <summary>
/// A node that combines several run-time tensors (a residual addition, a concatenation, a split), computed in the
/// model's own code. <see cref="KeepsPositions"/>: each output position reads the same position of every input (the
/// receptive field of the result is the union of its inputs', Araujo et al.'s rule for additions).
/// </summary>
sealed record CodeStep(string Node, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, Func<Tensor[], Tensor[]> Code, bool KeepsPositions)
    : GraphStep(Node, Inputs, Outputs)
{
    public override Tensor[] Run(Tensor[] inputs) => Code(inputs);
}
