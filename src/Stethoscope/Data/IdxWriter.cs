using System.Buffers.Binary;

namespace Stethoscope.Data;

/// <summary>Writes IDX unsigned-byte files, the format <see cref="MnistIdx"/> reads (big-endian header, then the bytes).</summary>
public static class IdxWriter
{
    /// <summary>An images file: magic 0x00000803, count, rows, columns, then the pixels (count × rows × columns bytes).</summary>
    public static byte[] Images(ReadOnlySpan<byte> pixels, int count, int rows, int cols)
    {
        if (pixels.Length != (long)count * rows * cols)
            throw new ArgumentException($"{pixels.Length} pixels are not {count} images of {rows}x{cols}");
        var bytes = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, MnistIdx.ImagesMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        pixels.CopyTo(bytes.AsSpan(16));
        return bytes;
    }

    /// <summary>A labels file: magic 0x00000801, count, then one byte per label.</summary>
    public static byte[] Labels(ReadOnlySpan<byte> labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, MnistIdx.LabelsMagic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), labels.Length);
        labels.CopyTo(bytes.AsSpan(8));
        return bytes;
    }
}
