using System.Buffers.Binary;
using Stethoscope.Models;

namespace Stethoscope.Data;

/// <summary>
/// Reads MNIST in the IDX format of http://yann.lecun.com/exdb/mnist/ (big-endian magic 0x00000803 for images,
/// 0x00000801 for labels), plain or gzip-compressed, from a folder holding the four official files.
/// </summary>
public static class MnistIdx
{
    /// <summary>The magic number of IDX unsigned-byte images (three dimensions).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic number of IDX unsigned-byte labels.</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>
    /// Loads the training and test splits from a folder with the official file names (.gz optional), normalised with
    /// <paramref name="normalization"/> (the seed's MNIST constants unless given).
    /// </summary>
    public static DatasetSplit Load(string directory, string? name = null, Normalization? normalization = null)
    {
        if (!Directory.Exists(directory))
            throw new DataFormatException(directory, "no such folder (expected the four MNIST IDX files in it)");
        var label = name ?? $"MNIST ({directory})";
        var train = ReadPair(Find(directory, "train-images", "idx3"), Find(directory, "train-labels", "idx1"));
        var test = ReadPair(Find(directory, "t10k-images", "idx3"), Find(directory, "t10k-labels", "idx1"));
        // Checked before any tensor exists: another size would fail only at the first evaluation.
        if (train.Shape != test.Shape)
            throw new DataFormatException(directory, $"the test images are {test.Shape} but the training images are {train.Shape}; both splits need one size");
        return new DatasetSplit(
            Build($"{label} train", train, normalization ?? Normalization.Mnist),
            Build($"{label} test", test, normalization ?? Normalization.Mnist));
    }

    /// <summary>Reads one images file and its labels file, checking that they agree.</summary>
    public static (byte[] Pixels, byte[] Labels, InputShape Shape) ReadPair(string imagesPath, string labelsPath)
    {
        var images = DataFile.ReadBytes(imagesPath);
        var labels = DataFile.ReadBytes(labelsPath);
        var (count, rows, cols) = ImagesHeader(imagesPath, images);
        var labelCount = LabelsHeader(labelsPath, labels);
        if (labelCount != count)
            throw new DataFormatException(labelsPath, $"holds {labelCount} labels but {Path.GetFileName(imagesPath)} holds {count} images");
        var labelBytes = labels.AsSpan(8, count).ToArray();
        var bad = Array.FindIndex(labelBytes, l => l > 9);
        if (bad >= 0)
            throw new DataFormatException(labelsPath, $"label {labelBytes[bad]} at index {bad} is not a digit 0-9");
        return (images.AsSpan(16, count * rows * cols).ToArray(), labelBytes, new InputShape(1, rows, cols));
    }

    static ImageDataset Build(string name, (byte[] Pixels, byte[] Labels, InputShape Shape) data, Normalization normalization) =>
        ImageDataset.FromBytes(name, data.Pixels, data.Labels, data.Shape, 10, normalization);

    static (int Count, int Rows, int Cols) ImagesHeader(string path, byte[] bytes)
    {
        if (bytes.Length < 16)
            throw new DataFormatException(path, $"only {bytes.Length} bytes; an IDX images file starts with a 16-byte header");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != ImagesMagic)
            throw new DataFormatException(path, $"magic number 0x{magic:x8} is not 0x{ImagesMagic:x8} (IDX unsigned-byte images)");
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        var rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        var cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count < 1 || rows < 1 || cols < 1 || rows > 4096 || cols > 4096)
            throw new DataFormatException(path, $"header says {count} images of {rows}x{cols} px, which is not a usable size");
        var expected = 16L + (long)count * rows * cols;
        if (bytes.Length != expected)
            throw new DataFormatException(path, $"{bytes.Length} bytes, but {count} images of {rows}x{cols} px need {expected} (truncated or padded)");
        return (count, rows, cols);
    }

    static int LabelsHeader(string path, byte[] bytes)
    {
        if (bytes.Length < 8)
            throw new DataFormatException(path, $"only {bytes.Length} bytes; an IDX labels file starts with an 8-byte header");
        var magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != LabelsMagic)
            throw new DataFormatException(path, $"magic number 0x{magic:x8} is not 0x{LabelsMagic:x8} (IDX unsigned-byte labels)");
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 1 || bytes.Length != 8L + count)
            throw new DataFormatException(path, $"{bytes.Length} bytes, but a header of {count} labels needs {8L + count} (truncated or padded)");
        return count;
    }

    static string Find(string directory, string stem, string kind)
    {
        string[] candidates = [$"{stem}-{kind}-ubyte", $"{stem}.{kind}-ubyte"];
        foreach (var candidate in candidates.SelectMany(c => new[] { c, c + ".gz" }))
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return path;
        }
        throw new DataFormatException(directory, $"no {candidates[0]} or {candidates[0]}.gz (an MNIST folder holds train-images, train-labels, t10k-images and t10k-labels)");
    }
}
