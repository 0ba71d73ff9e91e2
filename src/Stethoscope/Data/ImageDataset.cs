using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Data;

/// <summary>
/// A labelled image set held in memory as two CPU tensors: images (N, C, H, W) float32, already normalised, and
/// labels (N) int64. Training moves them to the device once and takes batches with <c>index_select</c>.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    public ImageDataset(string name, Tensor images, Tensor labels, int classes, Normalization normalization)
    {
        if (images.dim() != 4 || labels.dim() != 1 || images.shape[0] != labels.shape[0])
            throw new ArgumentException($"{name}: images must be (N, C, H, W) and labels (N)");
        Name = name;
        Images = images;
        Labels = labels;
        Classes = classes;
        Normalization = normalization;
    }

    public string Name { get; }

    public Tensor Images { get; }

    public Tensor Labels { get; }

    public int Classes { get; }

    public Normalization Normalization { get; }

    public int Count => (int)Images.shape[0];

    public InputShape Shape => new((int)Images.shape[1], (int)Images.shape[2], (int)Images.shape[3]);

    /// <summary>Builds a dataset from 8-bit pixels laid out (N, C, H, W) and 8-bit labels.</summary>
    public static ImageDataset FromBytes(string name, byte[] pixels, byte[] labels, InputShape shape, int classes, Normalization? normalization = null)
    {
        using var scope = NewDisposeScope();
        var unit = tensor(pixels, ScalarType.Byte).view(labels.Length, shape.Channels, shape.Height, shape.Width)
            .to_type(ScalarType.Float32).div_(255f);
        var norm = normalization ?? Normalization.Measure(unit);
        var images = norm.Apply(unit).MoveToOuterDisposeScope();
        var labelTensor = tensor(labels, ScalarType.Byte).to_type(ScalarType.Int64).MoveToOuterDisposeScope();
        return new ImageDataset(name, images, labelTensor, classes, norm);
    }

    /// <summary>A new dataset of the first <paramref name="count"/> images (copies: this one stays as it is).</summary>
    public ImageDataset Take(int count)
    {
        if (count < 1 || count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"{Name} holds {Count} images; cannot take {count}");
        using var images = Images[..count];
        using var labels = Labels[..count];
        return new ImageDataset(count == Count ? Name : $"{Name} (first {count})", images.clone(), labels.clone(), Classes, Normalization);
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>A training split and a test split of the same data.</summary>
public sealed record DatasetSplit(ImageDataset Train, ImageDataset Test) : IDisposable
{
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
