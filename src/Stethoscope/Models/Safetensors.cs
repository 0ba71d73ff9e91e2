using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stethoscope.Data;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header length, a
/// JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data. Reads F32, F16,
/// BF16 and F64 tensors (as float32) and I64 ones (as int64: BatchNorm's <c>num_batches_tracked</c> in state dicts
/// converted from PyTorch), and writes F32. A file that breaks the format is one clear error.
/// </summary>
public static class Safetensors
{
    const long MaxHeader = 100_000_000;

    /// <summary>Every tensor of the file, by name, as float32 (int64 for I64) CPU tensors.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, "no such safetensors file");
        using var stream = File.OpenRead(path);
        var header = ReadHeader(path, stream);
        var dataStart = 8 + header.Length;
        var entries = Entries(path, header, stream.Length - dataStart);
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var entry in entries)
                tensors[entry.Name] = ReadTensor(stream, dataStart, entry);
            return tensors;
        }
        catch
        {
            foreach (var tensor in tensors.Values)
                tensor.Dispose();
            throw;
        }
    }

    /// <summary>The most elements one tensor may have: what a .NET float array holds.</summary>
    const long MaxElements = int.MaxValue;

    /// <summary>One tensor as the header describes it, already checked against the file.</summary>
    sealed record Entry(string Name, string Dtype, int Width, long[] Shape, long Count, long Begin, long End);

    /// <summary>Values copied to the file at a time: 16 MiB, so a tensor of any size is written without a byte array
    /// of its own size (which .NET cannot make beyond 2 GiB).</summary>
    const long ChunkValues = 1 << 22;

    /// <summary>Writes <paramref name="tensors"/> as F32, names sorted, atomically.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors) => Write(path, tensors, ChunkValues);

    /// <summary>As <see cref="Write(string, IReadOnlyDictionary{string, Tensor})"/>, copying <paramref name="chunkValues"/>
    /// values at a time (small in tests, so that chunk boundaries are crossed).</summary>
    internal static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, long chunkValues)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkValues, 1);
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToArray();
        var header = new JsonObject();
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var bytes = tensor.numel() * sizeof(float);
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray([.. tensor.shape.Select(d => (JsonNode)d)]),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format asks that data start 8-byte aligned: pad the header with spaces.
        var padded = new byte[(json.Length + 7) / 8 * 8];
        Array.Fill(padded, (byte)' ');
        json.CopyTo(padded, 0);
        Runs.AtomicFile.Write(path, temporary =>
        {
            using var stream = File.Create(temporary);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded.Length);
            stream.Write(length);
            stream.Write(padded);
            foreach (var (_, tensor) in ordered)
                WriteValues(stream, tensor, chunkValues);
        });
    }

    /// <summary>The tensor's values as little-endian F32 in row-major order, one chunk at a time.</summary>
    static void WriteValues(Stream stream, Tensor tensor, long chunkValues)
    {
        using var scope = NewDisposeScope();
        var flat = tensor.detach().to(float32).cpu().contiguous().reshape(-1);
        var count = flat.shape[0];
        // Only a big-endian machine needs a buffer to turn the bytes around.
        var buffer = BitConverter.IsLittleEndian ? [] : new byte[Math.Min(count, chunkValues) * sizeof(float)];
        for (long start = 0; start < count; start += chunkValues)
        {
            var n = (int)Math.Min(chunkValues, count - start);
            using var chunk = flat.narrow(0, start, n);
            var values = chunk.data<float>().ToArray();
            if (BitConverter.IsLittleEndian)
            {
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                continue;
            }
            for (var i = 0; i < n; i++)
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * i), values[i]);
            stream.Write(buffer, 0, 4 * n);
        }
    }

    static byte[] ReadHeader(string path, FileStream stream)
    {
        Span<byte> length = stackalloc byte[8];
        if (stream.Read(length) != 8)
            throw new DataFormatException(path, "too short to be a safetensors file");
        var size = BinaryPrimitives.ReadUInt64LittleEndian(length);
        if (size == 0 || size > MaxHeader || (long)size > stream.Length - 8)
            throw new DataFormatException(path, $"not a safetensors file (header length {size} for a {stream.Length}-byte file)");
        var header = new byte[size];
        stream.ReadExactly(header);
        return header;
    }

    /// <summary>
    /// Every tensor of the header, checked before any data is read: UTF-8, a JSON object, each name once, a known
    /// dtype, a shape of non-negative sizes within <see cref="MaxElements"/>, two offsets that match the shape and
    /// lie within the data, and byte ranges that neither overlap nor leave a gap.
    /// </summary>
    static List<Entry> Entries(string path, byte[] header, long dataLength)
    {
        try
        {
            _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(header);
        }
        catch (DecoderFallbackException)
        {
            throw new DataFormatException(path, "the safetensors header is not UTF-8");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"the safetensors header is not valid JSON ({e.Message.Split('.')[0]})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new DataFormatException(path, "the safetensors header is not a JSON object");
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new DataFormatException(path, $"tensor '{property.Name}' appears twice in the safetensors header");
                if (property.Name != "__metadata__")
                    entries.Add(Check(path, property.Name, property.Value, dataLength));
            }
            long next = 0;
            foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (entry.Begin < next)
                    throw new DataFormatException(path, $"tensor '{entry.Name}': bytes {entry.Begin}..{entry.End} overlap another tensor's");
                if (entry.Begin > next)
                    throw new DataFormatException(path, $"bytes {next}..{entry.Begin} of the data are not covered by any tensor");
                next = entry.End;
            }
            if (next != dataLength)
                throw new DataFormatException(path, $"bytes {next}..{dataLength} of the data are not covered by any tensor");
            return entries;
        }
    }

    static Entry Check(string path, string name, JsonElement node, long dataLength)
    {
        string dtype;
        long[] shape;
        long begin, end;
        try
        {
            dtype = node.GetProperty("dtype").GetString()!;
            shape = [.. node.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
            var offsets = node.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();
            if (offsets.Length != 2 || dtype is null)
                throw new FormatException();
            (begin, end) = (offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new DataFormatException(path, $"tensor '{name}' lacks dtype, shape or data_offsets (a string, an array of sizes, two byte offsets)");
        }
        var width = dtype switch { "F32" => 4, "F16" or "BF16" => 2, "F64" or "I64" => 8, _ => throw new DataFormatException(path, $"tensor '{name}' is {dtype}; only F32, F16, BF16, F64 and I64 are read") };
        if (shape.Any(d => d < 0))
            throw new DataFormatException(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] has a negative size");
        long count = 1;
        foreach (var size in shape)
        {
            if (size != 0 && count > MaxElements / size)
                throw new DataFormatException(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is beyond the {MaxElements} elements a tensor may have");
            count *= size;
        }
        if (begin < 0 || end < begin || end > dataLength || end - begin != count * width)
            throw new DataFormatException(path, $"tensor '{name}': {count} {dtype} values do not fit bytes {begin}..{end} of the {dataLength} bytes of data");
        return new Entry(name, dtype, width, shape, count, begin, end);
    }

    static Tensor ReadTensor(FileStream stream, long dataStart, Entry entry)
    {
        var (dtype, width, shape, count, begin, end) = (entry.Dtype, entry.Width, entry.Shape, entry.Count, entry.Begin, entry.End);
        var bytes = new byte[end - begin];
        stream.Position = dataStart + begin;
        stream.ReadExactly(bytes);
        if (dtype == "I64")
        {
            var longs = new long[count];
            for (var i = 0; i < count; i++)
                longs[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8, 8));
            return tensor(longs).reshape(shape);
        }
        if (dtype == "F32" && BitConverter.IsLittleEndian)
            return tensor(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray()).reshape(shape);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var at = bytes.AsSpan(i * width, width);
            values[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(at),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(at),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(at) << 16),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(at),
            };
        }
        return tensor(values).reshape(shape);
    }
}
