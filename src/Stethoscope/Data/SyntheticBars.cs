using static TorchSharp.torch;

namespace Stethoscope.Data;

/// <summary>
/// A small synthetic dataset for tests and smoke runs: class k is a bright vertical bar at column 2 + 2k of a
/// 28x28 grey image, with Gaussian noise. Learnable in a few steps, deterministic under a seed, no files needed.
/// </summary>
public static class SyntheticBars
{
    public const int Side = 28;

    public static DatasetSplit Create(int trainCount = 512, int testCount = 128, int classes = 10, long seed = 0)
    {
        if (classes < 2 || classes > (Side - 2) / 2)
            throw new InvalidOptionException($"synthetic bars support 2 to {(Side - 2) / 2} classes; got {classes}");
        using var generator = new Generator((ulong)seed);
        return new DatasetSplit(
            Build("synthetic bars train", trainCount, classes, generator),
            Build("synthetic bars test", testCount, classes, generator));
    }

    static ImageDataset Build(string name, int count, int classes, Generator generator)
    {
        using var scope = NewDisposeScope();
        var labels = arange(count, dtype: ScalarType.Int64).remainder(classes);
        var bars = arange(Side, dtype: ScalarType.Int64).view(1, 1, 1, Side).eq(labels.mul(2).add(2).view(-1, 1, 1, 1));
        var images = randn([count, 1, Side, Side], generator: generator).mul_(0.3f).add_(bars.to_type(ScalarType.Float32).mul_(2f));
        return new ImageDataset(name, images.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope(), classes, new Normalization([0f], [1f]));
    }
}
