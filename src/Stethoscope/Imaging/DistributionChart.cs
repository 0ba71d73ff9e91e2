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
/// Sampled steps whose tensor held NaN or infinite elements are shaded red (a tensor with no finite element has no
/// bands there at all, and no histogram in TensorBoard).
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

    /// <summary>The shade of steps whose tensor held NaN or infinite elements, as gradient-norm charts shade NaN norms.</summary>
    internal static readonly Color NonFiniteShade = Colors.Red.WithAlpha(0.15);

    internal static Plot Panel(RunDistributions run, string layer, TensorKind kind)
    {
        var plot = new Plot();
        var what = kind == TensorKind.Weight ? "weights" : "gradients";
        plot.Title(run.Label.Length == 0 ? $"{layer} {what}" : $"{run.Label}: {layer} {what}", size: run.Label.Length == 0 ? 16 : 12);
        plot.XLabel("step");
        var color = kind == TensorKind.Weight ? Colors.SteelBlue : Colors.DarkOrange;
        var rows = run.Rows.Where(x => x.Distribution.Layer == layer && x.Distribution.Kind == kind).OrderBy(x => x.Step).ToArray();
        var steps = rows.Select(x => (double)x.Step).ToArray();
        var percentiles = LayerDistribution.BandPercentiles;
        double[] Curve(double p) => [.. rows.Select(x => x.Distribution.Percentile(p))];
        for (var band = 0; band < percentiles.Count / 2; band++)
        {
            // A step without finite elements has no percentiles: the band stops there instead of being drawn through NaN.
            foreach (var (xs, lower, upper) in Drawable(steps, Curve(percentiles[band]), Curve(percentiles[^(band + 1)])))
            {
                var fill = plot.Add.FillY(xs, lower, upper);
                fill.FillStyle.Color = color.WithAlpha(0.15 + 0.15 * band);
                fill.LineStyle.Width = 0;
            }
        }
        foreach (var (xs, ys) in LineSegments.Drawable(steps, Curve(50)))
        {
            var median = plot.Add.ScatterLine(xs, ys, color.Darken(0.4));
            median.LineWidth = 1.5f;
            median.MarkerSize = xs.Length == 1 ? 4 : 0;
        }
        var spans = NonFiniteSpans(rows);
        foreach (var (from, to) in spans)
        {
            var span = plot.Add.HorizontalSpan(from, to);
            span.FillStyle.Color = NonFiniteShade;
            span.LineStyle.Width = 0;
        }
        if (spans.Count > 0)
        {
            var first = rows.First(r => !IsFinite(r.Distribution)).Step;
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"NaN/inf {what} (first: step {first})", FillColor = NonFiniteShade });
            plot.Legend.Alignment = Alignment.UpperRight;
            plot.ShowLegend();
            // Wide enough for the shading, with a margin so a lone finite sample at either end stays visible.
            var (low, high) = (Math.Min(steps[0], spans[0].From), Math.Max(steps[^1], spans[^1].To));
            var margin = Math.Max(0.5, (high - low) * 0.03);
            plot.Axes.SetLimitsX(low - margin, high + margin);
        }
        return plot;
    }

    /// <summary>Whether every element of the tensor was finite: the mean of a tensor holding NaN or infinity is not.</summary>
    static bool IsFinite(LayerDistribution d) => DistributionLog.HasFiniteValue(d) && float.IsFinite(d.Mean);

    /// <summary>The step ranges to shade for runs of consecutive sampled steps whose tensor held NaN or infinity:
    /// each reaches half way to the neighbouring samples (the values in between are unknown), the spacing on the
    /// other side standing in where there is no neighbour, and one step wide for a lone sample.</summary>
    internal static IReadOnlyList<(double From, double To)> NonFiniteSpans(IReadOnlyList<DistributionRow> rows)
    {
        var spans = new List<(double, double)>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (IsFinite(rows[i].Distribution))
                continue;
            var last = i;
            while (last + 1 < rows.Count && !IsFinite(rows[last + 1].Distribution))
                last++;
            double? before = i > 0 ? rows[i].Step - rows[i - 1].Step : null;
            double? after = last + 1 < rows.Count ? rows[last + 1].Step - rows[last].Step : null;
            spans.Add((rows[i].Step - (before ?? after ?? 1) / 2, rows[last].Step + (after ?? before ?? 1) / 2));
            i = last;
        }
        return spans;
    }

    /// <summary>The stretches where both edges of a band are finite.</summary>
    static IEnumerable<(double[] Xs, double[] Lower, double[] Upper)> Drawable(double[] xs, double[] lower, double[] upper)
    {
        var start = -1;
        for (var i = 0; i <= xs.Length; i++)
        {
            var drawable = i < xs.Length && double.IsFinite(lower[i]) && double.IsFinite(upper[i]);
            if (drawable && start < 0)
                start = i;
            if (drawable || start < 0)
                continue;
            yield return (xs[start..i], lower[start..i], upper[start..i]);
            start = -1;
        }
    }
}
