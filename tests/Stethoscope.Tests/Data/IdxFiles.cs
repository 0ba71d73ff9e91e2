using System.Buffers.Binary;
using System.IO.Compression;

namespace Stethoscope.Tests.Data;

/// <summary>Writes small MNIST IDX files for the loader tests.</summary>
internal static class IdxFiles
{
    public static byte[] Images(int count, int rows, int cols, Func<int, byte> pixel, int magic = 0x803)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        for (var i = 16; i < bytes.Length; i++)
            bytes[i] = pixel(i - 16);
        return bytes;
    }

    public static byte[] Labels(int count, int magic = 0x801)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (var i = 0; i < count; i++)
            bytes[8 + i] = (byte)(i % 10);
        return bytes;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>A complete MNIST folder: 20 training and 10 test images of 28x28.</summary>
    public static void WriteFolder(string directory, bool gzip)
    {
        Directory.CreateDirectory(directory);
        void Write(string name, byte[] bytes) =>
            File.WriteAllBytes(Path.Combine(directory, gzip ? name + ".gz" : name), gzip ? Gzip(bytes) : bytes);
        Write("train-images-idx3-ubyte", Images(20, 28, 28, i => (byte)(i % 256)));
        Write("train-labels-idx1-ubyte", Labels(20));
        Write("t10k-images-idx3-ubyte", Images(10, 28, 28, _ => 255));
        Write("t10k-labels-idx1-ubyte", Labels(10));
    }
}
