namespace Stethoscope.Probes;

/// <summary>
/// The distribution of one layer's weight or gradient at one step, as <see cref="DistributionProbe"/> measured it:
/// statistics of every element and <see cref="Buckets"/>, equal-width counts from <see cref="Min"/> to <see cref="Max"/>.
/// <see cref="UpdateRatio"/> is ‖Δw‖/‖w‖ of the previous optimizer step (weights only; null where not measured).
/// </summary>
public sealed record LayerDistribution(string Layer, TensorKind Kind, float Mean, float Std, float Min, float Max, float ZeroFraction, float? UpdateRatio, float[] Buckets)
{
    /// <summary>TensorBoard's distribution percentiles: minimum, ±1.5σ, ±1σ, ±0.5σ and median of a normal, maximum.</summary>
    public static IReadOnlyList<double> BandPercentiles { get; } = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100];

    public double Count => Buckets.Sum(b => (double)b);

    /// <summary>The value below which <paramref name="percent"/>% of the histogrammed elements lie, interpolated
    /// linearly inside a bucket; NaN when the histogram is empty.</summary>
    public double Percentile(double percent)
    {
        var total = Count;
        if (!(total > 0) || !float.IsFinite(Min) || !float.IsFinite(Max))
            return double.NaN;
        var target = Math.Clamp(percent, 0, 100) / 100 * total;
        var width = (Max - (double)Min) / Buckets.Length;
        double below = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            if (Buckets[i] > 0 && below + Buckets[i] >= target)
                return Min + width * (i + (target - below) / Buckets[i]);
            below += Buckets[i];
        }
        return Max;
    }
}
