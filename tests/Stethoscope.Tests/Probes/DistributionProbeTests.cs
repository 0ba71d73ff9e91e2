using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Training;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Probes;

public class DistributionProbeTests
{
    static LayerStack OneConvolution()
    {
        var model = new LayerStackBuilder("one", new InputShape(1, 6, 6)).Conv("conv", 2, 3).Build(Objective.None);
        using var noGrad = no_grad();
        model.Layers[0].Weight!.copy_(arange(18, float32).sub(4).view(2, 1, 3, 3)); // -4 … 13: one exact zero
        return model;
    }

    static (string[] Names, float[] Values) Measure(DistributionProbe probe, LayerStack model, long step)
    {
        using var scope = NewDisposeScope();
        model.zero_grad();
        var input = ones(1, 1, 6, 6);
        var output = model.call(input);
        var loss = output.sum();
        loss.backward();
        var readings = new ProbeReadings();
        probe.Measure(new StepContext(model, ModelTrace.Untraced(model).Weighted, loss, output, zeros(1), step, 1), readings);
        return ([.. readings.Names], readings.Fetch());
    }

    static float? Reading((string[] Names, float[] Values) readings, string name)
    {
        var index = Array.IndexOf(readings.Names, name);
        return index < 0 ? null : readings.Values[index];
    }

    [Fact]
    public void Statistics_and_bucket_counts_describe_every_element()
    {
        using var model = OneConvolution();
        using var probe = new DistributionProbe(every: 10);
        var readings = Measure(probe, model, step: 1);
        var weight = DistributionProbe.Read(n => Reading(readings, n), TensorKind.Weight, "conv")!;
        Assert.Equal((4.5f, -4f, 13f, 1f / 18), (weight.Mean, weight.Min, weight.Max, weight.ZeroFraction));
        Assert.Equal(Math.Sqrt((18 * 18 - 1) / 12.0), weight.Std, 5); // population std of 18 consecutive integers
        Assert.Equal(18, weight.Buckets.Sum());
        Assert.Equal(-4, weight.Percentile(0), 5);
        Assert.Equal(13, weight.Percentile(100), 5);
        // The gradient of sum(conv(ones)) with respect to every weight is the number of output positions: 16.
        var gradient = DistributionProbe.Read(n => Reading(readings, n), TensorKind.Gradient, "conv")!;
        Assert.Equal((16f, 16f, 0f), (gradient.Min, gradient.Max, gradient.Std));
        Assert.Equal(18, gradient.Buckets.Sum());
        Assert.Null(weight.UpdateRatio);
        Assert.Equal(18, readings.Names.Count(n => n.StartsWith("dist/weight/conv/sample", StringComparison.Ordinal)));
        Assert.Empty(Measure(probe, model, step: 2).Names);
    }

    [Fact]
    public void The_update_ratio_is_the_change_since_the_step_before_a_sampled_one()
    {
        using var model = OneConvolution();
        using var probe = new DistributionProbe(every: 5);
        Measure(probe, model, step: 4); // the step before a sampled one keeps a copy
        var weight = model.Layers[0].Weight!;
        using (no_grad())
            weight.add_(ones_like(weight).mul_(0.5f));
        var readings = Measure(probe, model, step: 5);
        var expected = Math.Sqrt(18 * 0.25) / weight.norm().item<float>();
        Assert.Equal(expected, Reading(readings, "dist/weight/conv/update_ratio")!.Value, 5);
    }

    [Fact]
    public void Bucket_percentiles_interpolate_inside_a_bucket()
    {
        var buckets = new float[DistributionProbe.Buckets];
        buckets[0] = 10;
        buckets[29] = 10;
        var d = new LayerDistribution("x", TensorKind.Weight, 0, 1, 0, 30, 0, null, buckets);
        Assert.Equal(0.5, d.Percentile(25), 9); // halfway through the first bucket [0, 1)
        Assert.Equal(1.0, d.Percentile(50), 9);
        Assert.Equal(29.5, d.Percentile(75), 9);
    }

    [Fact]
    public void Weight_samples_of_a_100000_step_run_stay_under_their_bound()
    {
        using var temp = new TempDirectory();
        var folder = RunFolder.Create(temp["run"]);
        string[] names = [.. Enumerable.Range(0, DistributionProbe.SampleSize).Select(i => $"dist/weight/fc1/sample{i}")];
        var values = Enumerable.Range(0, DistributionProbe.SampleSize).Select(i => i * 1.2345678e-3f).ToArray();
        using (var log = new DistributionLog(folder, events: null))
        {
            for (long step = 50; step <= 100_000; step += 50)
                log.Write(new StepRecord(step, 1, 0.1, names, values), ["fc1"]);
        }
        // 2,000 samples: 256 rows from the first 256, 256 rows from the next 511 (every 2nd), 256 from the next
        // 1,021 (every 4th), then every 8th of the last 212: 27 rows.
        var rows = File.ReadAllLines(folder.WeightSamples("fc1"));
        Assert.Equal(1 + 256 * 3 + 27, rows.Length);
        Assert.InRange(new FileInfo(folder.WeightSamples("fc1")).Length, 1, 3_000_000);
        Assert.StartsWith("100,1,", rows[2]);
        Assert.Equal(DistributionProbe.SampleSize, MetricsCsv.Open(folder.WeightSamples("fc1")).Columns.Count);
    }
}
