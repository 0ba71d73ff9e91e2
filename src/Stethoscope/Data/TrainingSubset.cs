namespace Stethoscope.Data;

/// <summary>
/// The first N images of a training split, with the test split unchanged (<c>train --train-subset N</c>): a small
/// training set that a network can memorise, so overfitting can be seen (and diagnosed) in minutes.
/// </summary>
public static class TrainingSubset
{
    /// <summary>A split whose training part is the first <paramref name="count"/> images of <paramref name="data"/>'s; the
    /// training images left out are disposed, so <paramref name="data"/> must not be used any more.</summary>
    public static DatasetSplit Take(DatasetSplit data, int count)
    {
        if (count < 1 || count > data.Train.Count)
        {
            var available = data.Train.Count;
            data.Dispose();
            throw new InvalidOptionException($"--train-subset must be between 1 and the {available} training images of this data; got {count}");
        }
        if (count == data.Train.Count)
            return data;
        var train = data.Train;
        var subset = new ImageDataset($"{train.Name} (first {count})", train.Images.narrow(0, 0, count).clone(), train.Labels.narrow(0, 0, count).clone(), train.Classes, train.Normalization);
        train.Dispose();
        return new DatasetSplit(subset, data.Test);
    }
}
