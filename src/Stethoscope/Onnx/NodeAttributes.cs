using System.Globalization;
using Onnx;
using static Onnx.AttributeProto.Types;

namespace Stethoscope.Onnx;

/// <summary>
/// A node's attributes, read by name with ONNX's defaults. Every attribute an operator reads (or declares harmless) is
/// marked, so an attribute nobody read, one this importer does not know, refuses the node instead of being ignored.
/// </summary>
sealed class NodeAttributes(NodeProto node, string what)
{
    readonly Dictionary<string, AttributeProto> all = node.Attribute.ToDictionary(a => a.Name);
    readonly HashSet<string> read = [];

    public bool Has(string name) => all.ContainsKey(name);

    public long Int(string name, long fallback) => Get(name, AttributeType.Int) is { } a ? a.I : fallback;

    public float Float(string name, float fallback) => Get(name, AttributeType.Float) is { } a ? a.F : fallback;

    public string String(string name, string fallback) => Get(name, AttributeType.String) is { } a ? a.S.ToStringUtf8() : fallback;

    public long[] Ints(string name, long[] fallback) => Get(name, AttributeType.Ints) is { } a ? [.. a.Ints] : fallback;

    public float[] Floats(string name, float[] fallback) => Get(name, AttributeType.Floats) is { } a ? [.. a.Floats] : fallback;

    public TensorProto? Tensor(string name) => Get(name, AttributeType.Tensor)?.T;

    /// <summary>Attributes that do not change what the forward pass computes (BatchNorm's momentum, a spatial flag of 1).</summary>
    public void Accept(params string[] names) => read.UnionWith(names);

    /// <summary>Refuses the node when an attribute was never read: this importer would silently ignore it.</summary>
    public void EnsureAllRead()
    {
        var unread = all.Keys.Where(k => !read.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (unread.Length > 0)
            throw new OnnxImportException($"{what}: attribute{(unread.Length > 1 ? "s" : "")} {string.Join(", ", unread.Select(n => $"'{n}'"))} {(unread.Length > 1 ? "are" : "is")} not supported");
    }

    AttributeProto? Get(string name, AttributeType type)
    {
        read.Add(name);
        if (!all.TryGetValue(name, out var attribute))
            return null;
        // Old exporters leave the type unset; the field that holds the value tells it then.
        if (attribute.Type != AttributeType.Undefined && attribute.Type != type)
            throw new OnnxImportException($"{what}: attribute '{name}' is {attribute.Type.ToString().ToLower(CultureInfo.InvariantCulture)}, expected {type.ToString().ToLower(CultureInfo.InvariantCulture)}");
        return attribute;
    }
}
