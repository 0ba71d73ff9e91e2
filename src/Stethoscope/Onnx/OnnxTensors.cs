using System.Runtime.InteropServices;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>ONNX <c>TensorProto</c>s (initializers, <c>Constant</c> values) as TorchSharp tensors: float and double as
/// float32, int32 and int64 as int64, from the typed fields or the little-endian raw bytes.</summary>
static class OnnxTensors
{
    /// <summary>The tensor, or zeros of its shape when it carries no values and <paramref name="valuesElsewhere"/>
    /// says its values come later (a converted model's weights, loaded from safetensors).</summary>
    public static Tensor ToTensor(TensorProto proto, string what, bool valuesElsewhere = false)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
            throw new OnnxImportException($"{what}: tensor '{proto.Name}' keeps its values in an external file, which is not supported; save the model with its weights inside");
        var shape = proto.Dims.ToArray();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var type = (TensorProto.Types.DataType)proto.DataType;
        var raw = proto.RawData.Span;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                return Checked(raw.Length > 0 ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : [.. proto.FloatData], count, shape, proto, what, valuesElsewhere, float32);
            case TensorProto.Types.DataType.Double:
                return Checked(raw.Length > 0 ? Array.ConvertAll(MemoryMarshal.Cast<byte, double>(raw).ToArray(), v => (float)v) : [.. proto.DoubleData.Select(v => (float)v)], count, shape, proto, what, valuesElsewhere, float32);
            case TensorProto.Types.DataType.Int64:
                return Checked(raw.Length > 0 ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : [.. proto.Int64Data], count, shape, proto, what, valuesElsewhere, int64);
            case TensorProto.Types.DataType.Int32:
                return Checked<long>(raw.Length > 0 ? [.. MemoryMarshal.Cast<byte, int>(raw).ToArray().Select(v => (long)v)] : [.. proto.Int32Data.Select(v => (long)v)], count, shape, proto, what, valuesElsewhere, int64);
            default:
                throw new OnnxImportException($"{what}: tensor '{proto.Name}' has element type {type}; float, double, int32 and int64 are supported");
        }
    }

    static Tensor Checked<T>(T[] values, long count, long[] shape, TensorProto proto, string what, bool valuesElsewhere, ScalarType type) where T : unmanaged
    {
        if (values.Length == 0 && valuesElsewhere)
            return zeros(shape, type);
        if (values.Length != count)
            throw new OnnxImportException($"{what}: tensor '{proto.Name}' of shape [{string.Join("x", shape)}] holds {values.Length} values instead of {count}");
        return values switch
        {
            float[] f => tensor(f, shape),
            long[] l => tensor(l, shape),
            _ => throw new InvalidOperationException(typeof(T).Name),
        };
    }
}
