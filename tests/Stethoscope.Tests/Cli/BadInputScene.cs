using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using SkiaSharp;
using Stethoscope.Runs;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Cli;

/// <summary>
/// The files one bad-input row needs, made in a fresh folder: a copy of a small trained run to damage, images, IDX
/// and safetensors files, FIFOs and links. Everything it makes exists before the command runs, so that anything
/// new afterwards is something the command left behind.
/// </summary>
public sealed class BadInputScene : IDisposable
{
    readonly TempDirectory temp = new();

    public string this[string name] => temp[name];

    public string Root => temp.Path;

    /// <summary>One small run, trained once for all rows (two steps of synthetic bars, with distributions).</summary>
    static readonly Lazy<string> Trained = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "stethoscope-tests", "bad-input-run-" + Environment.ProcessId);
        if (File.Exists(Path.Combine(root, "run.json")))
            return root;
        var (code, _, error) = Invoke("train", "--data", "synthetic:32", "--max-steps", "2", "--batch-size", "16", "--device", "cpu", "--quiet",
            "--distributions-every", "1", "--out", root);
        Assert.True(code == 0, error);
        return root;
    });

    /// <summary>A fresh copy of the trained run, named <paramref name="name"/>, to damage.</summary>
    public string Run(string name = "run")
    {
        var target = temp[name];
        Copy(Trained.Value, target);
        return target;
    }

    static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from))
            Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    public string File_(string name, byte[] bytes)
    {
        var path = temp[name];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Text(string name, string text) => File_(name, Encoding.UTF8.GetBytes(text));

    public string Folder(string name)
    {
        Directory.CreateDirectory(temp[name]);
        return temp[name];
    }

    public string Fifo(string name)
    {
        Assert.Equal(0, MakeFifo(temp[name], 0x1B6));
        return temp[name];
    }

    public string Link(string name, string target)
    {
        File.CreateSymbolicLink(temp[name], target);
        return temp[name];
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    public static byte[] Png(int width, int height, bool grey = true)
    {
        using var bitmap = new SKBitmap(width, height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(90, 140, 200));
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A PNG whose header claims <paramref name="width"/>×<paramref name="height"/> with a few bytes of data:
    /// a decoder that trusts the header allocates width×height pixels.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // grey
        using var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10]);
        Chunk(stream, "IHDR", ihdr);
        Chunk(stream, "IDAT", [0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        Chunk(stream, "IEND", []);
        return stream.ToArray();
    }

    static void Chunk(Stream stream, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        stream.Write(four);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        stream.Write(four);
    }

    static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A safetensors file with <paramref name="header"/> as its JSON (or raw bytes) and <paramref name="dataBytes"/> zero bytes of data.</summary>
    public static byte[] Safetensors(byte[] header, int dataBytes)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Safetensors(string header, int dataBytes) => Safetensors(Encoding.UTF8.GetBytes(header), dataBytes);

    /// <summary>An IDX images file of <paramref name="count"/> images of rows×cols, or its labels.</summary>
    public static byte[] IdxImages(int count, int rows, int cols)
    {
        var bytes = new byte[16 + count * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), cols);
        return bytes;
    }

    public static byte[] IdxLabels(int count)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        return bytes;
    }

    /// <summary>An MNIST folder; the test images may have another size than the training images.</summary>
    public string Mnist(string name, int trainSide = 28, int testSide = 28, byte[]? trainImages = null)
    {
        File_($"{name}/train-images-idx3-ubyte", trainImages ?? IdxImages(20, trainSide, trainSide));
        File_($"{name}/train-labels-idx1-ubyte", IdxLabels(20));
        File_($"{name}/t10k-images-idx3-ubyte", IdxImages(10, testSide, testSide));
        File_($"{name}/t10k-labels-idx1-ubyte", IdxLabels(10));
        return temp[name];
    }

    /// <summary>Every entry under the scene with its kind and size: what a row compares before and after.</summary>
    public string[] Snapshot() =>
        [.. Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => (Path: p, Entry: FileEntry.Of(p)))
            .Select(e => $"{Path.GetRelativePath(Root, e.Path)} {e.Entry.Kind} {(e.Entry.Kind == FileKind.Regular ? new FileInfo(e.Path).Length : 0)}")
            .Order(StringComparer.Ordinal)];

    public void Dispose() => temp.Dispose();
}
