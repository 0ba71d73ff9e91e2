namespace Stethoscope.Models;

/// <summary>
/// A tensor that a module makes in its own <c>forward</c> code rather than through a child (a residual addition, a
/// flatten): the elementwise sum of the latest outputs of the children named in <see cref="Added"/> (the empty name
/// stands for the module's own input, an identity shortcut), then flattened when <see cref="Flattened"/> is set.
/// Pointwise functions of it (a ReLU after the sum) keep its receptive field.
/// </summary>
public sealed record CodeTensor(IReadOnlyList<string> Added, bool Flattened = false)
{
    /// <summary>The sum of the named children's outputs; <c>""</c> for the module's input.</summary>
    public static CodeTensor Sum(params string[] added) => new(added);

    /// <summary>One child's output (or <c>""</c>: the module's input) flattened to a vector.</summary>
    public static CodeTensor Flatten(string source) => new([source], Flattened: true);
}

/// <summary>
/// Implemented by a module whose own code combines its children's outputs, where forward hooks cannot see it (the
/// residual addition of a ResNet block, torchvision's <c>torch.flatten</c> before <c>fc</c>). The theoretical
/// receptive-field analysis asks it where such a tensor comes from, following the graph rule of Araujo et al.,
/// "Computing Receptive Fields of Convolutional Neural Networks" (Distill 2019): every path into an addition must
/// agree on jump and centre. Modules that do not implement it and make tensors in their own code give "unknown".
/// </summary>
public interface IReceptiveFieldGraph
{
    /// <summary>Where the tensor the module's own code hands to the child <paramref name="child"/> comes from (null
    /// <paramref name="child"/>: the module's output); null when the module cannot say.</summary>
    CodeTensor? Describe(string? child);
}
