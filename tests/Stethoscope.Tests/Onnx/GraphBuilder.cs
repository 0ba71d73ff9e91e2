using Google.Protobuf;
using Onnx;
using static Onnx.AttributeProto.Types;

namespace Stethoscope.Tests.Onnx;

/// <summary>Hand-built ONNX graphs for the corners PyTorch's exporter never writes (asymmetric convolution pads,
/// ceil-mode pooling with pads counted, Sum, Split, old-opset attributes), checked against ONNX Runtime.</summary>
sealed class GraphBuilder(long[] inputShape, long opset)
{
    readonly GraphProto graph = new() { Name = "test" };
    int count;

    public const string Input = "input";

    public string Node(string op, string[] inputs, params AttributeProto[] attributes)
    {
        var name = $"{op.ToLowerInvariant()}{count++}";
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name + "_out");
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return name + "_out";
    }

    /// <summary>A node with several outputs (Split).</summary>
    public string[] Nodes(string op, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var first = Node(op, inputs, attributes);
        var node = graph.Node[^1];
        node.Output.Clear();
        var names = Enumerable.Range(0, outputs).Select(o => $"{first}{o}").ToArray();
        node.Output.AddRange(names);
        return names;
    }

    public string Weight(string name, long[] dims, Random random, float scale = 0.3f)
    {
        var values = Enumerable.Range(0, (int)dims.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale);
        return Constant(name, dims, values);
    }

    public string Constant(string name, long[] dims, IEnumerable<float> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    public string Longs(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        graph.Initializer.Add(tensor);
        return name;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) => new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public ModelProto Model(string output)
    {
        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() } };
        foreach (var d in inputShape)
            type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        graph.Input.Add(new ValueInfoProto { Name = Input, Type = type });
        graph.Output.Add(new ValueInfoProto { Name = output, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        var model = new ModelProto { IrVersion = 7, Graph = graph, ProducerName = "stethoscope-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }
}
