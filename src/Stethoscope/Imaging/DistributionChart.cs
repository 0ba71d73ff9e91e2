using ScottPlot;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// Per-layer weight and gradient distributions over steps, as TensorBoard's distribution view draws them: nested
/// bands between the percentiles of a normal's ±1.5σ, ±1σ and ±0.5σ (6.68/93.32, 15.87/84.13, 30.85/69.15), the
/// minimum–maximum envelope faintest, the median as a line. One row per layer: weights left, gradients right.
/// Percentiles come from each step's 30-bucket histogram.
/// </summary>
public static class DistributionChart
{
    public static void SavePng(IReadOnlyList<DistributionRow> rows, string path, int panelWidth = 560, int panelHeight = 230)
    {
        var layers = rows.Select(r => r.Distribution.Layer).Distinct().ToArray();
        var panels = layers.SelectMany(layer => new[] { TensorKind.Weight, TensorKind.Gradient }.Select(kind =>
            Panel([.. rows.Where(r => r.Distribution.Layer == layer && r.Distribution.Kind == kind)], layer, kind))).ToArray();
        PlotSheet.SavePng(panels, path, panelWidth, panelHeight, columns: 2);
    }

    static Plot Panel(DistributionRow[] rows, string layer, TensorKind kind)
    {
        var plot = new Plot();
        plot.Title($"{layer} {(kind == TensorKind.Weight ? "weights" : "gradients")}");
        plot.XLabel("step");
        var color = kind == TensorKind.Weight ? Colors.SteelBlue : Colors.DarkOrange;
        var steps = rows.Select(r => (double)r.Step).ToArray();
        var percentiles = LayerDistribution.BandPercentiles;
        var curves = percentiles.Select(p => rows.Select(r => r.Distribution.Percentile(p)).ToArray()).ToArray();
        for (var band = 0; band < percentiles.Count / 2; band++)
        {
            var fill = plot.Add.FillY(steps, curves[band], curves[^(band + 1)]);
            fill.FillStyle.Color = color.WithAlpha(0.15 + 0.15 * band);
            fill.LineStyle.Width = 0;
        }
        var median = plot.Add.ScatterLine(steps, curves[percentiles.Count / 2], color.Darken(0.4));
        median.LineWidth = 1.5f;
        median.MarkerSize = 0;
        return plot;
    }
}
