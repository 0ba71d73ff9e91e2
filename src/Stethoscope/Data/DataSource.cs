using System.Globalization;

namespace Stethoscope.Data;

/// <summary>
/// Where training data comes from, as written on the command line: <c>bundled</c> (the shipped digits), <c>mnist</c>
/// and <c>fashion-mnist</c> (the full sets from the data cache, after <c>stethoscope data get</c>), <c>mnist:DIR</c>,
/// <c>cifar10:DIR</c>, <c>images:DIR</c> or <c>synthetic[:N]</c>. The cached sets take a <see cref="SplitSubset"/>:
/// <c>fashion-mnist:6000/2000</c>, <c>mnist:6000</c> (a folder whose name is only digits is written <c>mnist:./2000</c>).
/// </summary>
public static class DataSource
{
    public const string Forms = "bundled, mnist[:TRAIN[/TEST]], fashion-mnist[:TRAIN[/TEST]], mnist:DIR, cifar10:DIR, images:DIR, synthetic[:N]";

    public static DatasetSplit Load(string spec, long seed = 0)
    {
        var split = LoadForm(spec, seed);
        // A test split of another image size would fail only at the first evaluation, deep in training.
        if (split.Train.Shape != split.Test.Shape)
        {
            split.Dispose();
            throw new DataFormatException(spec, $"the test images are {split.Test.Shape} but the training images are {split.Train.Shape}; both splits need one size");
        }
        return split;
    }

    static DatasetSplit LoadForm(string spec, long seed)
    {
        var colon = spec.IndexOf(':');
        var kind = colon < 0 ? spec : spec[..colon];
        var argument = colon < 0 ? "" : spec[(colon + 1)..];
        return kind switch
        {
            "bundled" when argument.Length == 0 => BundledDigits.Load(),
            "mnist" when colon < 0 || SplitSubset.IsCounts(argument) => Cached(CachedDatasets.Mnist, spec, argument),
            "fashion-mnist" when colon < 0 || argument.Length > 0 => Cached(CachedDatasets.FashionMnist, spec, argument),
            "mnist" when argument.Length > 0 => MnistIdx.Load(argument),
            "cifar10" when argument.Length > 0 => Cifar10Binary.Load(argument),
            "images" when argument.Length > 0 => ImageFolder.Load(argument),
            "synthetic" => SyntheticBars.Create(trainCount: SyntheticCount(spec, colon < 0 ? null : argument), seed: seed),
            _ => throw new InvalidOptionException($"data '{spec}' is not one of: {Forms}"),
        };
    }

    /// <summary>A set from the data cache, whole or its <see cref="SplitSubset"/> when counts follow the colon.</summary>
    static DatasetSplit Cached(CachedDataset dataset, string spec, string argument)
    {
        var subset = argument.Length > 0 ? SplitSubset.Parse(spec, argument) : null;
        var split = dataset.Load(DataCache.Default);
        return subset is null ? split : subset.Of(split, spec);
    }

    /// <summary>The N of <c>synthetic:N</c>; 512 for plain <c>synthetic</c>, while <c>synthetic:</c> with nothing after it is refused.</summary>
    static int SyntheticCount(string spec, string? argument)
    {
        if (argument is null)
            return 512;
        return int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new InvalidOptionException($"data '{spec}': the synthetic count must be a positive integer");
    }
}
