using ScottPlot;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>The distributions of one run, labelled, for a <see cref="DistributionChart"/>.</summary>
public sealed record RunDistributions(string Label, IReadOnlyList<DistributionRow> Rows);

/// <summary>
/// Per-layer weight and gradient distributions over steps, as TensorBoard's distribution view draws them: nested
/// bands between the percentiles of a normal's ±1.5σ, ±1σ and ±0.5σ (6.68/93.32, 15.87/84.13, 30.85/69.15), the
/// minimum–maximum envelope faintest, the median as a line. One row per layer: weights left, gradients right.
/// Percentiles come from each step's 30-bucket histogram. Several runs stand side by side (weights of each run,
/// then gradients of each run), every panel on its own scale: a diverged run's huge values would flatten the others.
/// </summary>
public static class DistributionChart
{
    public static void SavePng(IReadOnlyList<DistributionRow> rows, string path, int panelWidth = 560, int panelHeight = 230) =>
        SavePng([new RunDistributions("", rows)], path, panelWidth, panelHeight);

    public static void SavePng(IReadOnlyList<RunDistributions> runs, string path, int panelWidth = 560, int panelHeight = 230)
    {
        var layers = runs[0].Rows.Select(r => r.Distribution.Layer).Distinct().ToArray();
        var panels = layers.SelectMany(layer => new[] { TensorKind.Weight, TensorKind.Gradient }.SelectMany(kind => runs.Select(run => Panel(run, layer, kind)))).ToArray();
        PlotSheet.SavePng(panels, path, runs.Count == 1 ? panelWidth : 420, panelHeight, columns: 2 * runs.Count);
    }

    static Plot Panel(RunDistributions run, string layer, TensorKind kind)
    {
        var plot = new Plot();
        var what = kind == TensorKind.Weight ? "weights" : "gradients";
        plot.Title(run.Label.Length == 0 ? $"{layer} {what}" : $"{run.Label}: {layer} {what}", size: run.Label.Length == 0 ? 16 : 12);
        plot.XLabel("step");
        var color = kind == TensorKind.Weight ? Colors.SteelBlue : Colors.DarkOrange;
        var rows = run.Rows.Where(x => x.Distribution.Layer == layer && x.Distribution.Kind == kind).ToArray();
        var steps = rows.Select(x => (double)x.Step).ToArray();
        var percentiles = LayerDistribution.BandPercentiles;
        double[] Curve(double p) => [.. rows.Select(x => x.Distribution.Percentile(p))];
        for (var band = 0; band < percentiles.Count / 2; band++)
        {
            var fill = plot.Add.FillY(steps, Curve(percentiles[band]), Curve(percentiles[^(band + 1)]));
            fill.FillStyle.Color = color.WithAlpha(0.15 + 0.15 * band);
            fill.LineStyle.Width = 0;
        }
        var median = plot.Add.ScatterLine(steps, Curve(50), color.Darken(0.4));
        median.LineWidth = 1.5f;
        median.MarkerSize = 0;
        return plot;
    }
}
