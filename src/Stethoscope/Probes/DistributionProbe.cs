using System.Globalization;
using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>Which tensor of a layer a distribution describes.</summary>
public enum TensorKind { Weight, Gradient }

/// <summary>
/// Every <see cref="Every"/> steps (and at step 1), the distribution of each weighted layer's weight and weight
/// gradient: mean, standard deviation (population), minimum, maximum, fraction of exact zeros, and a histogram of
/// <see cref="Buckets"/> equal-width buckets from minimum to maximum (the true shape, not TensorBoard's exponential
/// series); for the weight also the update-to-weight ratio ‖Δw‖/‖w‖ of the step before (its weights are copied one
/// step earlier), and <see cref="SampleSize"/> weights at evenly spaced positions for heat maps over time.
/// Everything is computed on the device and read back with the step's other readings. Tensors of more than
/// 4,194,304 elements (VGG-16's fc6 and fc7) are histogrammed on an evenly strided subset of that size;
/// the statistics always use every element. Non-finite elements are left out of the histogram.
/// </summary>
public sealed class DistributionProbe(int every = DistributionProbe.DefaultEvery) : IProbe, IDisposable
{
    public const string Prefix = "dist/";
    public const int DefaultEvery = 50;
    public const int Buckets = 30;
    public const int SampleSize = 256;
    public const long HistogramLimit = 1 << 22;

    public static readonly string[] Statistics = ["mean", "std", "min", "max", "zero_fraction"];

    readonly Dictionary<string, Tensor> previous = [];

    public int Every { get; } = every >= 1 ? every : throw new StethoscopeException($"the distribution interval must be at least 1 step; got {every}");

    public bool IsSampled(long step) => step == 1 || step % Every == 0;

    public static string Name(TensorKind kind, string layer, string quantity) => $"{Prefix}{Kind(kind)}/{layer}/{quantity}";

    public static string Kind(TensorKind kind) => kind == TensorKind.Weight ? "weight" : "gradient";

    public void Measure(StepContext step, ProbeReadings readings)
    {
        using var noGrad = no_grad();
        var sampled = IsSampled(step.Step);
        foreach (var layer in step.Layers)
        {
            var weight = layer.Weight!;
            var path = layer.Path;
            if (sampled)
            {
                Describe(readings, TensorKind.Weight, path, weight);
                if (previous.Remove(path, out var before))
                {
                    readings.Add(Name(TensorKind.Weight, path, "update_ratio"), (weight - before).norm() / weight.norm().clamp_min(1e-30));
                    before.Dispose();
                }
                readings.AddSeries(Name(TensorKind.Weight, path, "sample"), Sample(weight));
                if (weight.grad is { } grad)
                    Describe(readings, TensorKind.Gradient, path, grad);
            }
            if (IsSampled(step.Step + 1) && step.Step + 1 > 1)
                Keep(path, weight);
        }
    }

    /// <summary>Copies the weight to compare with after the next optimizer step; the copy outlives this step's scope.</summary>
    void Keep(string layer, Tensor weight)
    {
        if (previous.Remove(layer, out var stale))
            stale.Dispose();
        previous[layer] = weight.detach().clone().DetachFromDisposeScope();
    }

    static void Describe(ProbeReadings readings, TensorKind kind, string layer, Tensor values)
    {
        var flat = values.detach().reshape(-1);
        readings.Add(Name(kind, layer, "mean"), flat.mean());
        readings.Add(Name(kind, layer, "std"), flat.std(unbiased: false));
        var finite = flat.isfinite();
        var low = where(finite, flat, float.PositiveInfinity).min();
        var high = where(finite, flat, float.NegativeInfinity).max();
        readings.Add(Name(kind, layer, "min"), low);
        readings.Add(Name(kind, layer, "max"), high);
        readings.Add(Name(kind, layer, "zero_fraction"), flat.eq(0).to_type(ScalarType.Float32).mean());
        readings.AddSeries(Name(kind, layer, "bucket"), Histogram(flat, low, high));
    }

    /// <summary>Equal-width bucket counts between the finite minimum and maximum, computed without leaving the device.</summary>
    static Tensor Histogram(Tensor flat, Tensor low, Tensor high)
    {
        var stride = Math.Max(1, (flat.shape[0] + HistogramLimit - 1) / HistogramLimit);
        var values = stride == 1 ? flat : flat[TensorIndex.Slice(0, null, stride)];
        var width = (high - low).clamp_min(1e-30);
        var index = ((values - low) / width * Buckets).floor().clamp(0, Buckets - 1).to_type(ScalarType.Int64);
        index = where(values.isfinite(), index, Buckets);
        return bincount(index, minlength: Buckets + 1).narrow(0, 0, Buckets);
    }

    /// <summary><see cref="SampleSize"/> weights at evenly spaced flat positions (all of them when there are fewer).</summary>
    public static Tensor Sample(Tensor weight)
    {
        var flat = weight.detach().reshape(-1);
        var count = Math.Min(SampleSize, flat.shape[0]);
        var positions = linspace(0, flat.shape[0] - 1, count, device: flat.device).floor().to_type(ScalarType.Int64);
        return flat.index_select(0, positions);
    }

    public void Dispose()
    {
        foreach (var tensor in previous.Values)
            tensor.Dispose();
        previous.Clear();
    }

    /// <summary>The readings of one layer's tensor in a step, or null when the step was not sampled.</summary>
    public static LayerDistribution? Read(Func<string, float?> reading, TensorKind kind, string layer)
    {
        if (reading(Name(kind, layer, "mean")) is not { } mean)
            return null;
        var buckets = new float[Buckets];
        for (var i = 0; i < Buckets; i++)
            buckets[i] = reading(Name(kind, layer, "bucket" + i.ToString(CultureInfo.InvariantCulture))) ?? 0;
        return new LayerDistribution(layer, kind, mean, reading(Name(kind, layer, "std")) ?? float.NaN,
            reading(Name(kind, layer, "min")) ?? float.NaN, reading(Name(kind, layer, "max")) ?? float.NaN,
            reading(Name(kind, layer, "zero_fraction")) ?? float.NaN, reading(Name(kind, layer, "update_ratio")), buckets);
    }
}
