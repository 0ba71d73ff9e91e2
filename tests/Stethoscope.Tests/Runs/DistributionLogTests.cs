using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.TensorBoard;
using Stethoscope.Training;

namespace Stethoscope.Tests.Runs;

public class DistributionLogTests
{
    /// <summary>The readings <see cref="DistributionProbe"/> gives for one layer's tensor.</summary>
    static IEnumerable<(string Name, float Value)> Readings(TensorKind kind, float mean, float std, float min, float max, float[] buckets) =>
        new[] { ("mean", mean), ("std", std), ("min", min), ("max", max), ("zero_fraction", 0f) }
            .Concat(buckets.Select((b, i) => ($"bucket{i}", b)))
            .Select(r => (DistributionProbe.Name(kind, "conv", r.Item1), r.Item2));

    static StepRecord WeightFiniteGradientAllNaN(long step)
    {
        var buckets = new float[DistributionProbe.Buckets];
        buckets[0] = 3;
        buckets[^1] = 1;
        // What the probe measures when every gradient element is NaN: NaN statistics, the finite minimum and
        // maximum of nothing (+inf and -inf), and no element in any bucket.
        var readings = Readings(TensorKind.Weight, 0.5f, 0.25f, -1f, 2f, buckets)
            .Concat(Readings(TensorKind.Gradient, float.NaN, float.NaN, float.PositiveInfinity, float.NegativeInfinity, new float[DistributionProbe.Buckets]))
            .ToArray();
        return new StepRecord(step, 1, 0.1, [.. readings.Select(r => r.Name)], [.. readings.Select(r => r.Value)]);
    }

    [Fact]
    public void A_tensor_without_a_finite_value_keeps_its_csv_row_but_gets_no_histogram()
    {
        using var temp = new TempDirectory();
        var folder = RunFolder.Create(temp["run"]);
        string eventsPath;
        using (var events = new EventFileWriter(folder.TensorBoard))
        using (var log = new DistributionLog(folder, events))
        {
            eventsPath = events.Path;
            log.Write(WeightFiniteGradientAllNaN(5), ["conv"]);
        }
        var histograms = EventFileReader.Read(eventsPath).Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v))).ToList();
        var (step, weights) = Assert.Single(histograms);
        Assert.Equal((5L, "weights/conv", -1.0, 2.0, 4.0), (step, weights.Tag, weights.Histo.Min, weights.Histo.Max, weights.Histo.Num));
        var lines = File.ReadAllLines(folder.Distributions);
        Assert.Equal(3, lines.Length);
        Assert.Equal("5,conv,gradient,NaN,NaN,Infinity,-Infinity,0,," + string.Join(",", Enumerable.Repeat("0", DistributionProbe.Buckets)), lines[2]);
    }

    [Fact]
    public void Disposing_twice_leaves_the_files_whole()
    {
        using var temp = new TempDirectory();
        var folder = RunFolder.Create(temp["run"]);
        var log = new DistributionLog(folder, events: null);
        log.Write(WeightFiniteGradientAllNaN(1), ["conv"]);
        log.Dispose();
        log.Dispose();
        Assert.Equal(3, File.ReadAllLines(folder.Distributions).Length);
    }
}
