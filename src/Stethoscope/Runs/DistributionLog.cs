using System.Globalization;
using Stethoscope.Probes;
using Stethoscope.TensorBoard;
using Stethoscope.Training;

namespace Stethoscope.Runs;

/// <summary>
/// Writes what <see cref="DistributionProbe"/> measured into the run folder: one row per sampled step, layer and
/// tensor in <c>weights/distributions.csv</c> (statistics and bucket counts), the sampled weights in
/// <c>weights/&lt;layer&gt;.csv</c> (<c>step,epoch,w0,…</c>, readable as a <see cref="MetricsCsv"/>) for heat maps, and TensorBoard histograms <c>weights/&lt;layer&gt;</c>,
/// <c>gradients/&lt;layer&gt;</c> with scalars <c>update_ratio/&lt;layer&gt;</c>.
/// Size stays bounded: a weight-sample file takes every sampled step for its first <see cref="RowsPerLevel"/>
/// rows, then every second for as many, then every fourth, …, so a 100,000-step run sampled every 50 steps
/// writes about 820 rows (about 2 MB) per layer; distributions.csv grows by two rows per layer per sample
/// (about 6 MB for the seed network over 100,000 steps).
/// </summary>
public sealed class DistributionLog(RunFolder folder, EventFileWriter? events) : IDisposable
{
    public const int RowsPerLevel = 256;

    public static readonly string[] Columns =
        ["step", "layer", "tensor", .. DistributionProbe.Statistics, "update_ratio", .. Enumerable.Range(0, DistributionProbe.Buckets).Select(i => $"b{i}")];

    readonly Dictionary<string, SampleFile> samples = [];
    StreamWriter? distributions;

    /// <summary>Writes the distribution readings of <paramref name="step"/>, if it has any.</summary>
    public void Write(StepRecord step, IReadOnlyList<string> layers)
    {
        var readings = new Dictionary<string, float>();
        for (var i = 0; i < step.Names.Count; i++)
        {
            if (step.Names[i].StartsWith(DistributionProbe.Prefix, StringComparison.Ordinal))
                readings[step.Names[i]] = step.Values[i];
        }
        if (readings.Count == 0)
            return;
        float? Reading(string name) => readings.TryGetValue(name, out var value) ? value : null;
        foreach (var layer in layers)
        {
            foreach (var kind in new[] { TensorKind.Weight, TensorKind.Gradient })
            {
                if (DistributionProbe.Read(Reading, kind, layer) is { } distribution)
                    Write(step.Step, distribution);
            }
            var values = Series(Reading, DistributionProbe.Name(TensorKind.Weight, layer, "sample"));
            if (values.Length > 0)
                Samples(layer).Offer(step.Step, step.Epoch, values);
        }
    }

    void Write(long step, LayerDistribution d)
    {
        if (distributions is null)
        {
            Directory.CreateDirectory(folder.Weights);
            distributions = new StreamWriter(folder.Distributions);
            distributions.WriteLine(string.Join(",", Columns));
        }
        var kind = DistributionProbe.Kind(d.Kind);
        distributions.WriteLine(string.Join(",", [Format(step), d.Layer, kind, Format(d.Mean), Format(d.Std), Format(d.Min), Format(d.Max), Format(d.ZeroFraction),
            d.UpdateRatio is { } ratio ? Format(ratio) : "", .. d.Buckets.Select(Format)]));
        if (events is null)
            return;
        // A tensor with no finite element has an empty histogram between +inf and -inf: TensorBoard draws that as
        // weights at exactly 0 (and TensorFlow refuses to write it), so it gets no histogram; the CSV row above
        // keeps the step, and our own figures mark it.
        if (HasFiniteValue(d))
        {
            var edges = Enumerable.Range(1, d.Buckets.Length).Select(i => d.Min + (d.Max - (double)d.Min) * i / d.Buckets.Length).ToArray();
            var count = d.Count;
            events.WriteHistogram(step, $"{(d.Kind == TensorKind.Weight ? "weights" : "gradients")}/{d.Layer}", d.Min, d.Max, count,
                d.Mean * count, count * ((double)d.Std * d.Std + (double)d.Mean * d.Mean), edges, [.. d.Buckets.Select(b => (double)b)]);
        }
        if (d.UpdateRatio is { } update)
            events.WriteScalars(step, [($"update_ratio/{d.Layer}", update)]);
    }

    /// <summary>Whether the histogram holds any element: the probe buckets only finite ones, between the finite
    /// minimum and maximum, which stay infinite when there is none.</summary>
    public static bool HasFiniteValue(LayerDistribution d) => d.Count > 0 && float.IsFinite(d.Min) && float.IsFinite(d.Max);

    SampleFile Samples(string layer)
    {
        if (!samples.TryGetValue(layer, out var file))
        {
            Directory.CreateDirectory(folder.Weights);
            samples[layer] = file = new SampleFile(folder.WeightSamples(layer));
        }
        return file;
    }

    static float[] Series(Func<string, float?> reading, string prefix)
    {
        var values = new List<float>();
        for (var i = 0; reading(prefix + i.ToString(CultureInfo.InvariantCulture)) is { } value; i++)
            values.Add(value);
        return [.. values];
    }

    public void Flush()
    {
        distributions?.Flush();
        foreach (var file in samples.Values)
            file.Flush();
    }

    public void Dispose()
    {
        distributions?.Dispose();
        distributions = null;
        foreach (var file in samples.Values)
            file.Dispose();
        samples.Clear();
    }

    static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);

    static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One layer's weight samples, thinned by doubling the spacing after every <see cref="RowsPerLevel"/> rows.</summary>
    sealed class SampleFile(string path) : IDisposable
    {
        readonly StreamWriter writer = new(path);
        long offered;
        int rowsAtLevel;
        int keepEvery = 1;
        bool headed;

        public void Offer(long step, int epoch, float[] values)
        {
            if (offered++ % keepEvery != 0)
                return;
            if (!headed)
                writer.WriteLine(string.Join(",", ["step", "epoch", .. Enumerable.Range(0, values.Length).Select(i => $"w{i}")]));
            headed = true;
            writer.WriteLine(string.Join(",", [Format(step), Format(epoch), .. values.Select(Format)]));
            if (++rowsAtLevel < RowsPerLevel)
                return;
            rowsAtLevel = 0;
            keepEvery *= 2;
            offered = 0;
        }

        public void Flush() => writer.Flush();

        public void Dispose() => writer.Dispose();
    }
}
