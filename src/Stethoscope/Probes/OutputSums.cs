using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>
/// One module's output in one forward pass, reduced on the device to a few sums (over all its calls in that pass):
/// Σy, Σy² (in double), and where they apply the count of exact zeros, of dead units and of saturated outputs. The sums live outside
/// every dispose scope (hooks run inside the model's own scopes, which end before the step is measured), so this
/// object owns them until <see cref="Dispose"/>; the element and unit counts are known on the host from the shapes.
/// </summary>
sealed class OutputSums(string path, OutputStatistics statistics, int order, Tensor sums, long elements, long units) : IDisposable
{
    double elements = elements;
    double units = units;

    /// <summary>When the module first ran in the pass: readings follow forward order.</summary>
    public int Order => order;

    /// <summary>The sums of one output (still in the caller's dispose scope) and the number of units it has (0 below 2-d).</summary>
    public static (Tensor Sums, long Units) Reduce(Tensor y, OutputStatistics statistics)
    {
        var count = y.numel();
        // Double sums: n·mean² of activations near 1e17 would overflow float and turn a finite step non-finite.
        var (std, mean) = y.std_mean(unbiased: false);
        mean = mean.to_type(ScalarType.Float64);
        std = std.to_type(ScalarType.Float64);
        List<Tensor> parts = [mean * count, (std * std + mean * mean) * count];
        long units = 0;
        if (statistics.ZeroBased)
        {
            parts.Add((count - y.count_nonzero()).to_type(ScalarType.Float64)); // one pass, no mask allocated
            // The same slot is kept for outputs without units, so that calls of several ranks still add up.
            units = y.dim() >= 2 ? y.shape[1] : 0;
            parts.Add(units > 0 ? DeadUnits(y, statistics.NonNegative) : zeros_like(mean));
        }
        if (statistics.Bounds is { } bounds)
        {
            var centre = (bounds.Low + bounds.High) / 2;
            var inner = (bounds.High - bounds.Low) / 2 - statistics.Margin;
            parts.Add((centre == 0 ? y.abs() : (y - centre).abs()).gt(inner).sum().to_type(ScalarType.Float64));
        }
        return (stack(parts), units);
    }

    /// <summary>Units (dimension 1) whose every element in the batch is 0; a NaN is not 0.</summary>
    static Tensor DeadUnits(Tensor y, bool nonNegative)
    {
        var others = Enumerable.Range(0, (int)y.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
        var magnitude = nonNegative ? y : y.abs();
        return magnitude.amax(others).eq(0).sum().to_type(ScalarType.Float64);
    }

    /// <summary>Adds another call's sums (in place: no tensor is created outside the caller's scope).</summary>
    public void Add(Tensor more, long moreElements, long moreUnits)
    {
        sums.add_(more);
        elements += moreElements;
        units += moreUnits;
    }

    /// <summary>The statistics as readings, computed on the device in the step's dispose scope.</summary>
    public void AddTo(ProbeReadings readings)
    {
        var mean = sums[0] / elements;
        readings.Add(ActivationStatisticsProbe.Name(path, "mean"), mean);
        readings.Add(ActivationStatisticsProbe.Name(path, "std"), (sums[1] / elements - mean * mean).clamp_min(0).sqrt());
        var next = 2;
        if (statistics.ZeroBased)
        {
            readings.Add(ActivationStatisticsProbe.Name(path, "zero_fraction"), sums[next] / elements);
            if (units > 0)
                readings.Add(ActivationStatisticsProbe.Name(path, "dead_fraction"), sums[next + 1] / units);
            next += 2;
        }
        if (statistics.Bounds is not null)
            readings.Add(ActivationStatisticsProbe.Name(path, "saturated_fraction"), sums[next] / elements);
    }

    public void Dispose() => sums.Dispose();
}
