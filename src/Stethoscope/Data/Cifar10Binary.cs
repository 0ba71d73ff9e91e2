using Stethoscope.Models;

namespace Stethoscope.Data;

/// <summary>
/// Reads CIFAR-10 in its binary version (https://www.cs.toronto.edu/~kriz/cifar.html): files of 3,073-byte
/// records, one label byte then 32x32 red, green and blue planes. Training from <c>data_batch_1.bin</c> …
/// <c>data_batch_5.bin</c> (those present), testing from <c>test_batch.bin</c>.
/// </summary>
public static class Cifar10Binary
{
    const int Side = 32;
    const int PixelBytes = 3 * Side * Side;
    const int RecordBytes = 1 + PixelBytes;

    public static DatasetSplit Load(string directory)
    {
        var folder = Directory.Exists(Path.Combine(directory, "cifar-10-batches-bin"))
            ? Path.Combine(directory, "cifar-10-batches-bin")
            : directory;
        if (!Directory.Exists(folder))
            throw new DataFormatException(directory, "no such folder (expected CIFAR-10 binary batches in it)");
        var trainFiles = Enumerable.Range(1, 5).Select(i => Path.Combine(folder, $"data_batch_{i}.bin")).Where(File.Exists).ToArray();
        if (trainFiles.Length == 0)
            throw new DataFormatException(folder, "no data_batch_1.bin … data_batch_5.bin (the CIFAR-10 binary version)");
        var testFile = Path.Combine(folder, "test_batch.bin");
        if (!File.Exists(testFile))
            throw new DataFormatException(folder, "no test_batch.bin (the CIFAR-10 binary version)");
        return new DatasetSplit(Build("CIFAR-10 train", trainFiles), Build("CIFAR-10 test", [testFile]));
    }

    static ImageDataset Build(string name, string[] files)
    {
        var pixels = new List<byte>();
        var labels = new List<byte>();
        foreach (var file in files)
            ReadBatch(file, pixels, labels);
        return ImageDataset.FromBytes(name, [.. pixels], [.. labels], new InputShape(3, Side, Side), 10, Normalization.Cifar10);
    }

    static void ReadBatch(string path, List<byte> pixels, List<byte> labels)
    {
        var bytes = DataFile.ReadBytes(path);
        if (bytes.Length == 0 || bytes.Length % RecordBytes != 0)
            throw new DataFormatException(path, $"{bytes.Length} bytes is not a whole number of {RecordBytes}-byte records (1 label byte + 32x32x3 pixels)");
        for (var offset = 0; offset < bytes.Length; offset += RecordBytes)
        {
            var label = bytes[offset];
            if (label > 9)
                throw new DataFormatException(path, $"record {offset / RecordBytes} has label {label}; CIFAR-10 labels are 0-9");
            labels.Add(label);
            pixels.AddRange(bytes.AsSpan(offset + 1, PixelBytes));
        }
    }
}
