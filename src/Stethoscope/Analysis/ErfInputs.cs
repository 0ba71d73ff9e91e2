using Stethoscope.Data;
using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>Where the inputs of an effective-receptive-field measurement come from.</summary>
public enum ErfInputKind
{
    /// <summary>Standard normal noise, as in Luo et al.'s experiments on untrained stacks.</summary>
    Random,

    /// <summary>Real images of a dataset (the test split), as for a trained network.</summary>
    Data,
}

/// <summary>The inputs whose gradients an <see cref="EffectiveReceptiveField"/> averages, produced batch by batch so
/// that many samples never sit in memory at once.</summary>
public abstract class ErfInputs
{
    public abstract InputShape Shape { get; }

    /// <summary>How many inputs there are (random inputs are unlimited).</summary>
    public abstract long Available { get; }

    /// <summary>Inputs <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1, on the CPU.</summary>
    public abstract Tensor Batch(long first, long count);

    public static ErfInputs Random(InputShape shape, long seed) => new RandomInputs(shape, seed);

    public static ErfInputs From(ImageDataset data) => new DatasetInputs(data);

    sealed class RandomInputs(InputShape shape, long seed) : ErfInputs
    {
        public override InputShape Shape => shape;

        public override long Available => long.MaxValue;

        /// <summary>Each batch has its own generator seeded by its position, so a sample does not depend on the batch size.</summary>
        public override Tensor Batch(long first, long count)
        {
            var samples = new Tensor[count];
            for (var i = 0L; i < count; i++)
            {
                using var generator = new Generator((ulong)(seed * 1_000_003 + first + i));
                samples[i] = randn(shape.WithBatch(1), generator: generator);
            }
            return cat(samples, 0);
        }
    }

    sealed class DatasetInputs(ImageDataset data) : ErfInputs
    {
        public override InputShape Shape => data.Shape;

        public override long Available => data.Count;

        public override Tensor Batch(long first, long count) => data.Images.narrow(0, first, count);
    }
}
