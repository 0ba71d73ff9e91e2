using ScottPlot.Plottables;
using Stethoscope.Imaging;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Tests.Imaging;

public class DistributionChartTests
{
    static LayerDistribution Finite(TensorKind kind, float scale)
    {
        var buckets = new float[DistributionProbe.Buckets];
        buckets[0] = buckets[^1] = 5;
        buckets[15] = 10;
        return new LayerDistribution("conv", kind, 0, scale / 2, -scale, scale, 0, null, buckets);
    }

    // What DistributionsCsv reads back for a tensor whose every element was NaN.
    static LayerDistribution AllNaN(TensorKind kind) =>
        new("conv", kind, float.NaN, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0, null, new float[DistributionProbe.Buckets]);

    /// <summary>Sampled every 50 steps; the gradient has no finite value at steps 100 and 150, and again at 250.</summary>
    static DistributionRow[] Rows() =>
    [
        .. new long[] { 1, 50, 100, 150, 200, 250 }.Select((s, i) => new DistributionRow(s, Finite(TensorKind.Weight, i + 1))),
        new(1, Finite(TensorKind.Gradient, 1)),
        new(50, Finite(TensorKind.Gradient, 2)),
        new(100, AllNaN(TensorKind.Gradient)),
        new(150, AllNaN(TensorKind.Gradient)),
        new(200, Finite(TensorKind.Gradient, 3)),
        new(250, AllNaN(TensorKind.Gradient)),
    ];

    static (double, double)[] RedSpans(ScottPlot.Plot plot) =>
        [.. plot.GetPlottables().OfType<HorizontalSpan>().Select(s => (s.X1, s.X2))];

    [Fact]
    public void Steps_whose_tensor_has_no_finite_value_are_shaded_red_half_way_to_their_neighbours()
    {
        var run = new RunDistributions("", Rows());
        // 100 and 150 from 75 (half way back to 50) to 175; the last row, 250, from 225 to 275 (the step before's spacing).
        Assert.Equal([(75.0, 175.0), (225.0, 275.0)], RedSpans(DistributionChart.Panel(run, "conv", TensorKind.Gradient)));
        Assert.Empty(RedSpans(DistributionChart.Panel(run, "conv", TensorKind.Weight)));
        var shade = Assert.IsType<HorizontalSpan>(DistributionChart.Panel(run, "conv", TensorKind.Gradient).GetPlottables().OfType<HorizontalSpan>().First());
        Assert.Equal(DistributionChart.NonFiniteShade, shade.FillStyle.Color);
    }

    [Fact]
    public void A_single_all_nan_sample_is_shaded_one_step_wide_and_the_figure_is_written()
    {
        using var temp = new TempDirectory();
        DistributionRow[] rows = [new(1, AllNaN(TensorKind.Weight)), new(1, AllNaN(TensorKind.Gradient))];
        Assert.Equal([(0.5, 1.5)], RedSpans(DistributionChart.Panel(new RunDistributions("", rows), "conv", TensorKind.Weight)));
        DistributionChart.SavePng(Rows(), temp["d.png"]);
        using var image = SkiaSharp.SKBitmap.Decode(temp["d.png"]);
        Assert.Equal((2 * 560, 230), (image.Width, image.Height));
    }
}
