using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>
/// What an operator's importer sees of one node: its attributes, its inputs (constants known at import time, or
/// values that exist only when the graph runs), and the ways to add it to the network: as a child module, a chain of
/// child modules, code over run-time tensors, or a constant.
/// </summary>
sealed class NodeContext
{
    readonly GraphImport graph;
    readonly NodeProto node;
    readonly int index;
    string? path;

    public NodeContext(GraphImport graph, NodeProto node, int index)
    {
        this.graph = graph;
        this.node = node;
        this.index = index;
        What = node.Name.Length > 0 ? $"node '{node.Name}' ({node.OpType})" : $"node {index} ({node.OpType}, output '{node.Output.FirstOrDefault()}')";
        Attributes = new NodeAttributes(node, What);
    }

    /// <summary>How error messages name the node.</summary>
    public string What { get; }

    public NodeAttributes Attributes { get; }

    /// <summary>The version of the default operator set the model was exported with.</summary>
    public long Opset => graph.Opset;

    /// <summary>Inputs present (ONNX leaves optional inputs out with an empty name).</summary>
    public int InputCount => node.Input.Count(n => n.Length > 0);

    public bool IsConstant(int i) => i < node.Input.Count && graph.Constants.ContainsKey(node.Input[i]);

    public OnnxImportException Unsupported(string what) => new($"{What}: {what}");

    /// <summary>Input <paramref name="i"/>, which must be a constant.</summary>
    public Tensor Constant(int i)
    {
        if (i >= node.Input.Count || node.Input[i].Length == 0)
            throw Unsupported($"input {i} is missing");
        return graph.Constants.GetValueOrDefault(node.Input[i])
            ?? throw Unsupported($"input {i} ('{node.Input[i]}') must be a constant (an initializer or a Constant node) for this importer");
    }

    /// <summary>Input <paramref name="i"/> as a constant, or null when the node leaves it out.</summary>
    public Tensor? OptionalConstant(int i) => i < node.Input.Count && node.Input[i].Length > 0 ? Constant(i) : null;

    /// <summary>A constant input that becomes a parameter or buffer of a child module (the converter stores those in safetensors).</summary>
    public Tensor State(int i)
    {
        var value = Constant(i);
        graph.StateInitializers.Add(node.Input[i]);
        return value;
    }

    public Tensor? OptionalState(int i) => i < node.Input.Count && node.Input[i].Length > 0 ? State(i) : null;

    /// <summary>The name of input <paramref name="i"/>, which must exist only at run time.</summary>
    public string RunTime(int i)
    {
        if (i >= node.Input.Count || node.Input[i].Length == 0)
            throw Unsupported($"input {i} is missing");
        var name = node.Input[i];
        if (graph.Constants.ContainsKey(name))
            throw Unsupported($"input {i} ('{name}') is a constant where this importer takes the network's tensor");
        if (!graph.Known.Contains(name))
            throw Unsupported($"input '{name}' is produced by no earlier node (the graph is not in topological order, or the value is missing)");
        return name;
    }

    /// <summary>Refuses outputs beyond the first <paramref name="count"/> that the graph uses (a dropout mask, pooling indices).</summary>
    public void OnlyOutputs(int count)
    {
        var extra = node.Output.Skip(count).Where(o => o.Length > 0 && graph.IsUsed(o)).ToArray();
        if (extra.Length > 0)
            throw Unsupported($"output{(extra.Length > 1 ? "s" : "")} {string.Join(", ", extra.Select(e => $"'{e}'"))} {(extra.Length > 1 ? "are" : "is")} not supported (only the first {count} output{(count > 1 ? "s" : "")})");
    }

    /// <summary>Outputs the node declares.</summary>
    public int OutputCount => node.Output.Count;

    /// <summary>The node as one child module reading its input <paramref name="input"/>.</summary>
    public void Module(nn.Module<Tensor, Tensor> module, int input = 0) => Chain(input, ("", module));

    /// <summary>The node as child modules in a row (an explicit pad, then a convolution): the first reads input
    /// <paramref name="input"/>, the last writes the node's output; each is named by the node's path plus its suffix.</summary>
    public void Chain(int input, params (string Suffix, nn.Module<Tensor, Tensor> Module)[] modules)
    {
        OnlyOutputs(1);
        var value = RunTime(input);
        for (var m = 0; m < modules.Length; m++)
        {
            var (suffix, module) = modules[m];
            var next = m == modules.Length - 1 ? node.Output[0] : $"{node.Output[0]}{suffix}";
            graph.Add(new ModuleStep(node.Name, graph.Unique(Path + suffix), module, value, next));
            value = next;
        }
    }

    /// <summary>The node as code over all its inputs, which must exist at run time, writing all its outputs.</summary>
    public void Code(Func<Tensor[], Tensor[]> code, bool keepsPositions)
    {
        var inputs = Enumerable.Range(0, node.Input.Count).Where(i => node.Input[i].Length > 0).Select(RunTime).ToArray();
        graph.Add(new CodeStep(node.Name, inputs, [.. node.Output], code, keepsPositions));
    }

    /// <summary>The node's output 0 is a constant, computed now.</summary>
    public void ConstantOutput(Tensor value) => graph.Constants[node.Output[0]] = value;

    /// <summary>The child path: the node's name with characters outside letters, digits and <c>_</c> replaced by
    /// <c>_</c> (PyTorch's <c>/layer1/layer1.0/conv1/Conv</c> becomes <c>layer1_layer1_0_conv1_Conv</c>), or the
    /// operator and the node's position when it has no name.</summary>
    string Path => path ??= new string([.. node.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_')]).Trim('_') is { Length: > 0 } name
        ? name
        : $"{node.OpType.ToLowerInvariant()}_{index}";
}
