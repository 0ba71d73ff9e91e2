using SkiaSharp;
using Stethoscope.Models;

namespace Stethoscope.Data;

/// <summary>
/// Reads a folder with one subfolder per class (the layout of torchvision's <c>ImageFolder</c>), decoding PNG,
/// JPEG, BMP, GIF and WebP with SkiaSharp. All images must share one size. Images are grey (one channel) when every
/// file is stored grey, RGB otherwise. Every fifth image of each class (by file name) forms the test split; the
/// normalisation is measured on the training split.
/// </summary>
public static class ImageFolder
{
    static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
    const int TestEvery = 5;

    public static DatasetSplit Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DataFormatException(directory, "no such folder (expected one subfolder of images per class)");
        var classes = Directory.GetDirectories(directory).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2)
            throw new DataFormatException(directory, $"found {classes.Length} class subfolders; an image folder needs at least 2");
        var files = classes
            .SelectMany((folder, label) => Directory.GetFiles(folder)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .Select((file, index) => (File: file, Label: (byte)label, Test: index % TestEvery == TestEvery - 1)))
            .ToArray();
        var empty = classes.Where((_, label) => files.All(f => f.Label != label)).ToArray();
        if (empty.Length > 0)
            throw new DataFormatException(empty[0], $"no images ({string.Join(", ", Extensions)})");
        var grey = files.All(f => ImageFile.IsGrey(f.File));
        var first = ImageFile.Decode(files[0].File, grey);
        var shape = new InputShape(grey ? 1 : 3, first.Height, first.Width);
        var decoded = files.Select(f => (f.File, f.Label, f.Test, Pixels: Pixels(f.File, grey, shape))).ToArray();
        var train = Build($"images ({directory}) train", decoded.Where(d => !d.Test).ToArray(), shape, classes.Length, null);
        var test = Build($"images ({directory}) test", decoded.Where(d => d.Test).ToArray(), shape, classes.Length, train.Normalization);
        return new DatasetSplit(train, test);
    }

    static ImageDataset Build(string name, (string File, byte Label, bool Test, byte[] Pixels)[] items, InputShape shape, int classes, Normalization? normalization)
    {
        if (items.Length == 0)
            throw new DataFormatException(name, "no images in this split (each class needs at least 5 images so one goes to the test split)");
        return ImageDataset.FromBytes(name, [.. items.SelectMany(i => i.Pixels)], [.. items.Select(i => i.Label)], shape, classes, normalization);
    }

    /// <summary>The image's pixels as planes (C, H, W), the layout the tensors use.</summary>
    static byte[] Pixels(string path, bool grey, InputShape shape)
    {
        using var bitmap = ImageFile.Decode(path, grey);
        if (bitmap.Width != shape.Width || bitmap.Height != shape.Height)
            throw new DataFormatException(path, $"{bitmap.Width}x{bitmap.Height} px, but the folder's images are {shape.Width}x{shape.Height} px");
        return ImageFile.Planes(bitmap, grey);
    }
}
