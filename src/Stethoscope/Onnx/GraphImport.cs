using Onnx;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>The state of one graph's import: the constants known so far, the run-time values, the steps and child paths.</summary>
sealed class GraphImport : IDisposable
{
    readonly GraphProto graph;
    readonly List<GraphStep> steps = [];
    readonly HashSet<string> paths = [];
    readonly HashSet<string> used;

    GraphImport(GraphProto graph, long opset)
    {
        this.graph = graph;
        Opset = opset;
        used = [.. graph.Node.SelectMany(n => n.Input), .. graph.Output.Select(o => o.Name)];
    }

    public long Opset { get; }

    /// <summary>Values known at import time: initializers and the outputs of <c>Constant</c> nodes.</summary>
    public Dictionary<string, Tensor> Constants { get; } = [];

    /// <summary>Values that exist when the graph runs: its input and every step's outputs.</summary>
    public HashSet<string> Known { get; } = [];

    /// <summary>Initializers that became parameters or buffers of a child module.</summary>
    public HashSet<string> StateInitializers { get; } = [];

    public bool IsUsed(string value) => used.Contains(value);

    public void Add(GraphStep step)
    {
        steps.Add(step);
        Known.UnionWith(step.Outputs);
    }

    /// <summary>A child path not taken yet (two nodes may share a name, or have names that differ only in punctuation).</summary>
    public string Unique(string path)
    {
        var candidate = path;
        for (var n = 2; !paths.Add(candidate); n++)
            candidate = $"{path}_{n}";
        return candidate;
    }

    /// <summary>Imports <paramref name="model"/>'s graph; with <paramref name="weightsElsewhere"/>, initializers that
    /// carry no values become zeros, for a converted model whose weights come from safetensors afterwards.</summary>
    public static (OnnxModel Model, IReadOnlySet<string> StateInitializers) Build(ModelProto model, string name, bool weightsElsewhere)
    {
        var opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        using var import = new GraphImport(model.Graph, opset);
        return (import.Build(name, weightsElsewhere), import.StateInitializers);
    }

    OnnxModel Build(string name, bool weightsElsewhere)
    {
        foreach (var initializer in graph.Initializer)
            Constants[initializer.Name] = OnnxTensors.ToTensor(initializer, $"initializer '{initializer.Name}'", weightsElsewhere);
        var inputs = graph.Input.Where(i => !Constants.ContainsKey(i.Name)).ToArray();
        if (inputs.Length != 1)
            throw new OnnxImportException($"the graph has {inputs.Length} run-time inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); a network of one image input is needed");
        if (graph.Output.Count != 1)
            throw new OnnxImportException($"the graph has {graph.Output.Count} outputs ({string.Join(", ", graph.Output.Select(o => $"'{o.Name}'"))}); a network of one output is needed");
        var input = inputs[0];
        if (input.Type?.TensorType is not { ElemType: (int)TensorProto.Types.DataType.Float })
            throw new OnnxImportException($"the graph's input '{input.Name}' is not a float tensor");
        Known.Add(input.Name);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            var context = new NodeContext(this, node, i);
            if (node.Domain is not ("" or "ai.onnx"))
                throw context.Unsupported($"operator domain '{node.Domain}' is not supported (only the standard ONNX operators)");
            var import = OnnxOperators.Find(node.OpType) ?? throw context.Unsupported($"operator {node.OpType} is not supported; supported: {string.Join(", ", OnnxOperators.Names)}");
            import(context);
            context.Attributes.EnsureAllRead();
        }
        var output = graph.Output[0].Name;
        if (!Known.Contains(output))
            throw new OnnxImportException($"the graph's output '{output}' is {(Constants.ContainsKey(output) ? "a constant" : "made by no node")}");
        return new OnnxModel(name, input.Name, output, steps, OnnxImport.DeclaredInput(input));
    }

    public void Dispose()
    {
        foreach (var constant in Constants.Values)
            constant.Dispose();
    }
}
