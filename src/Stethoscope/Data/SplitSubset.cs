using System.Globalization;

namespace Stethoscope.Data;

/// <summary>
/// The first <see cref="Train"/> training images and the first <see cref="Test"/> test images of a data set (all of
/// the test split when null), written after the set's name: <c>fashion-mnist:6000</c>, <c>fashion-mnist:6000/2000</c>.
/// Both splits of the fetched Fashion-MNIST interleave the classes, so such a prefix holds every class equally.
/// A small training set is how overfitting shows in few epochs; a small test set keeps each evaluation cheap.
/// </summary>
public sealed record SplitSubset(int Train, int? Test)
{
    /// <summary>Whether <paramref name="argument"/> is written as counts (<c>N</c> or <c>N/M</c>) rather than a folder.</summary>
    public static bool IsCounts(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiDigit(c) || c == '/') && char.IsAsciiDigit(argument[0]);

    /// <summary>Parses <c>N</c> or <c>N/M</c>, positive counts; anything else is refused naming <paramref name="spec"/>.</summary>
    public static SplitSubset Parse(string spec, string argument)
    {
        var parts = argument.Split('/');
        int? Count(string text) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : null;
        var train = Count(parts[0]);
        var test = parts.Length == 2 ? Count(parts[1]) : null;
        if (train is null || parts.Length > 2 || (parts.Length == 2 && test is null))
            throw new InvalidOptionException($"data '{spec}': after the colon give the number of training images, or TRAIN/TEST (e.g. {spec[..spec.IndexOf(':')]}:6000/2000), positive whole numbers");
        return new SplitSubset(train.Value, test);
    }

    /// <summary>
    /// The subset of <paramref name="split"/> (which is disposed); counts beyond a split's size are refused, naming the size.
    /// </summary>
    public DatasetSplit Of(DatasetSplit split, string spec)
    {
        using (split)
        {
            var test = Test ?? split.Test.Count;
            if (Train > split.Train.Count || test > split.Test.Count)
                throw new InvalidOptionException($"data '{spec}': the training split holds {split.Train.Count:N0} images and the test split {split.Test.Count:N0}; ask for at most that many");
            return new DatasetSplit(split.Train.Take(Train), split.Test.Take(test));
        }
    }
}
