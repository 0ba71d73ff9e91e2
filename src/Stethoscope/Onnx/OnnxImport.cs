using Google.Protobuf;
using Onnx;
using Stethoscope.Models;
using Stethoscope.Runs;

namespace Stethoscope.Onnx;

/// <summary>
/// Reads an ONNX file (parsed with OnnxSharp) into an <see cref="OnnxModel"/>: a TorchSharp module computing what the
/// graph computes, with the graph's initializers as its parameters and buffers. Operators: Conv, BatchNormalization,
/// Relu, LeakyRelu, Sigmoid, Tanh, Clip, Softmax, LogSoftmax, Add, Sub, Mul, Div, Sum, MaxPool, AveragePool,
/// GlobalAveragePool, GlobalMaxPool, Gemm, MatMul, Flatten, Reshape, Concat, Split, Pad, Identity, Dropout and
/// Constant; anything else, or an attribute none of them reads, stops the import with one line naming the node
/// (<see cref="OnnxImportException"/>).
/// </summary>
public static class OnnxImport
{
    /// <summary>The most bytes an ONNX file may have here (2 GiB, protobuf's own limit for one message).</summary>
    const long MaxBytes = int.MaxValue;

    /// <summary>The network in <paramref name="path"/>, named after the file.</summary>
    public static OnnxModel Load(string path) => FromProto(Read(path), Path.GetFileNameWithoutExtension(path));

    /// <summary>The network of a parsed model; with <paramref name="weightsElsewhere"/>, initializers without values
    /// become zeros (their values are loaded afterwards).</summary>
    public static OnnxModel FromProto(ModelProto model, string name, bool weightsElsewhere = false) =>
        GraphImport.Build(model, name, weightsElsewhere).Model;

    /// <summary>The initializers that <paramref name="model"/>'s network keeps as parameters and buffers (the others
    /// are constants read while importing: shapes, bounds).</summary>
    public static IReadOnlySet<string> StateInitializers(ModelProto model)
    {
        var (network, state) = GraphImport.Build(model, "check", weightsElsewhere: false);
        network.Dispose();
        return state;
    }

    /// <summary>The (C, H, W) the graph's run-time input declares, or null when it is not a fully given 4-d shape.</summary>
    public static InputShape? DeclaredInput(ModelProto model) =>
        model.Graph.Input.Where(i => model.Graph.Initializer.All(t => t.Name != i.Name)).ToArray() is [var input] ? DeclaredInput(input) : null;

    internal static InputShape? DeclaredInput(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is not { Count: 4 } || dims.Skip(1).Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue < 1))
            return null;
        return new InputShape((int)dims[1].DimValue, (int)dims[2].DimValue, (int)dims[3].DimValue);
    }

    /// <summary>Parses an ONNX file, with one line for a file that is missing, not regular, or not an ONNX model.</summary>
    public static ModelProto Read(string path)
    {
        var entry = FileEntry.Of(path);
        if (entry.Kind is FileKind.Missing or FileKind.Directory)
            throw new StethoscopeException($"{path}: no such ONNX file");
        if (entry.Kind == FileKind.Special || (entry.Kind == FileKind.SymbolicLink && !File.Exists(path)))
            throw new StethoscopeException($"{path}: not a regular file");
        if (new FileInfo(path).Length > MaxBytes)
            throw new StethoscopeException($"{path}: larger than 2 GiB, which an ONNX file without external data cannot be");
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new StethoscopeException($"{path}: not an ONNX model ({e.Message.Split('\n')[0].Trim()})");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new StethoscopeException($"{path}: not an ONNX model (it has no graph)");
        return model;
    }
}
