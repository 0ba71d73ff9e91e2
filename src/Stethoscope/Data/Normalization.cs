using static TorchSharp.torch;

namespace Stethoscope.Data;

/// <summary>Per-channel mean and standard deviation applied to pixels scaled to [0, 1]: <c>(x - mean) / std</c>.</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>The constants of the seed (and of PyTorch's MNIST example).</summary>
    public static Normalization Mnist { get; } = new([0.1307f], [0.3081f]);

    /// <summary>Fashion-MNIST's training-set statistics as usually quoted (those of <c>data get fashion-mnist</c>'s split: 0.2860, 0.3528).</summary>
    public static Normalization FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>torchvision's ImageNet statistics, which its pretrained VGG-16 expects.</summary>
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>The usual CIFAR-10 training-set statistics.</summary>
    public static Normalization Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>No normalisation (mean 0, std 1 per channel): what a user's loop that did not say is recorded as.</summary>
    public static Normalization Identity(int channels) => new([.. Enumerable.Repeat(0f, channels)], [.. Enumerable.Repeat(1f, channels)]);

    /// <summary>The statistics of a set of images in [0, 1], shaped (N, C, H, W).</summary>
    public static Normalization Measure(Tensor unitImages)
    {
        using var scope = NewDisposeScope();
        var mean = unitImages.mean([0, 2, 3]).data<float>().ToArray();
        var std = unitImages.std([0, 2, 3]).clamp_min(1e-6).data<float>().ToArray();
        return new Normalization(mean, std);
    }

    /// <summary>Normalises (N, C, H, W) images in [0, 1]; returns a new tensor.</summary>
    public Tensor Apply(Tensor unitImages)
    {
        var channels = Mean.Length;
        using var mean = tensor(Mean).view(1, channels, 1, 1);
        using var std = tensor(Std).view(1, channels, 1, 1);
        return unitImages.sub(mean).div_(std);
    }

    /// <summary>Undoes <see cref="Apply"/>: normalised (N, C, H, W) images back to [0, 1], for showing them.</summary>
    public Tensor Undo(Tensor images)
    {
        var channels = Mean.Length;
        using var mean = tensor(Mean).view(1, channels, 1, 1);
        using var std = tensor(Std).view(1, channels, 1, 1);
        return images.mul(std).add_(mean);
    }
}
