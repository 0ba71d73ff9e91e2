using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>
/// An ONNX graph as an ordinary TorchSharp module (<see cref="OnnxImport"/> builds it). Every node with one run-time
/// input is a child module named after its ONNX node (<c>Convolution249</c>, <c>ReLU253</c>; characters other than
/// letters, digits and <c>_</c> become <c>_</c>; <see cref="NodeNames"/> keeps the ONNX names), called through
/// <c>call()</c> in graph order, so forward hooks, <c>named_modules()</c> paths, <c>state_dict()</c> names, training
/// and gradients all work as for a hand-written network. Nodes that combine several run-time tensors (residual
/// additions, concatenations, splits) run in the model's own code, and the model describes where those tensors come
/// from for the receptive-field trace (<see cref="IReceptiveFieldGraph"/>). Each intermediate tensor is released
/// after its last reader, as <c>Sequential</c> does: a hook that keeps an activation must clone it.
/// </summary>
public sealed class OnnxModel : nn.Module<Tensor, Tensor>, IReceptiveFieldGraph
{
    readonly IReadOnlyList<GraphStep> steps;
    readonly string input;
    readonly string output;
    readonly Dictionary<string, GraphStep> producers = [];
    readonly Dictionary<string, string> childInputs = [];
    readonly string[][] releasedAfter;

    internal OnnxModel(string name, string input, string output, IReadOnlyList<GraphStep> steps, InputShape? declaredInput) : base(name)
    {
        this.input = input;
        this.output = output;
        this.steps = steps;
        DeclaredInput = declaredInput;
        var names = new Dictionary<string, string>();
        foreach (var step in steps)
        {
            foreach (var value in step.Outputs)
                producers[value] = step;
            if (step is ModuleStep child)
            {
                register_module(child.Path, child.Module);
                childInputs[child.Path] = child.Input;
                names[child.Path] = child.Node;
            }
        }
        NodeNames = names;
        releasedAfter = LastReaders(steps, input, output);
    }

    /// <summary>The ONNX node name of each child's path.</summary>
    public IReadOnlyDictionary<string, string> NodeNames { get; }

    /// <summary>The input shape the graph declares (batch left out), or null when it leaves a dimension open.</summary>
    public InputShape? DeclaredInput { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var values = new Dictionary<string, Tensor> { [input] = ChannelsLast(x) };
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var results = step.Run([.. step.Inputs.Select(name => values[name])]);
            for (var o = 0; o < results.Length; o++)
                values[step.Outputs[o]] = results[o];
            foreach (var name in releasedAfter[i])
                Release(values, name);
        }
        var result = values[output];
        // A graph that hands its input back (a clip that changes nothing) still gives the caller a tensor of its own.
        if (ReferenceEquals(result, x))
            return x.alias().MoveToOuterDisposeScope();
        return (result.is_contiguous() ? result : result.contiguous()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A CPU batch of several multi-channel images laid out channels-last (same shape, NHWC strides): libtorch's oneDNN
    /// convolutions then keep that layout from layer to layer instead of reordering around each call. Measured on the
    /// imported ResNet-18 (2 cores): batch 16 22.7–24.5 img/s against 16.7, batch 1 11.7–12.2 against 13.5, so a
    /// single image keeps NCHW. TorchSharp has no memory-format argument, so the layout comes from a permuted copy.
    /// Intermediate outputs a hook sees have these strides; the model's output is made contiguous again.
    /// </summary>
    static Tensor ChannelsLast(Tensor x) =>
        x.dim() == 4 && x.device_type == DeviceType.CPU && x.shape[0] > 1 && x.shape[1] > 1
            ? x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
            : x;

    /// <summary>Disposes a value nobody reads any more, unless another live name holds the same tensor (a module may
    /// return its input as it is) or it is the caller's input.</summary>
    static void Release(Dictionary<string, Tensor> values, string name)
    {
        if (!values.Remove(name, out var tensor) || values.Values.Any(v => ReferenceEquals(v, tensor)))
            return;
        tensor.Dispose();
    }

    /// <summary>Per step, the values whose last reader it is (or that nobody reads); never the input or the output.</summary>
    static string[][] LastReaders(IReadOnlyList<GraphStep> steps, string input, string output)
    {
        var last = new Dictionary<string, int>();
        for (var i = 0; i < steps.Count; i++)
        {
            foreach (var value in steps[i].Outputs)
                last[value] = i;
            foreach (var value in steps[i].Inputs)
                last[value] = i;
        }
        return [.. Enumerable.Range(0, steps.Count).Select(i =>
            last.Where(l => l.Value == i && l.Key != input && l.Key != output).Select(l => l.Key).ToArray())];
    }

    /// <summary>Where a tensor made in code comes from: the children (or <c>""</c>, the input) whose outputs it
    /// combines position by position; null when a combination on the way mixes positions.</summary>
    public CodeTensor? Describe(string? child)
    {
        var value = child is null ? output : childInputs.GetValueOrDefault(child);
        if (value is null)
            return null;
        var sources = new List<string>();
        return Sources(value, sources) ? CodeTensor.Sum([.. sources.Distinct()]) : null;
    }

    bool Sources(string value, List<string> sources)
    {
        if (value == input)
        {
            sources.Add("");
            return true;
        }
        switch (producers.GetValueOrDefault(value))
        {
            case ModuleStep child:
                sources.Add(child.Path);
                return true;
            case CodeStep { KeepsPositions: true } code:
                return code.Inputs.All(i => Sources(i, sources));
            default:
                return false;
        }
    }
}
