using ScottPlot;
using Stethoscope.Charts;
using Stethoscope.Diagnosis;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// The evidence figure of a diagnosis verdict, <c>figures/diagnosis-&lt;rule&gt;.png</c>: the run's own chart of what the
/// rule read — gradient norms (diverged, exploding, vanishing, zero gradients), update ratios, the loss curves (loss not
/// decreasing, overfitting) or the share of dead or saturated units — with the verdict's first step marked by a black
/// line (and the step it fired at by a dashed one when later), the rule's threshold where it has one, and for zero
/// gradients, which a log scale cannot draw, the steps where the named layers' gradients were exactly 0 shaded grey.
/// It shows the steps up to <see cref="WindowFactor"/> times the step the verdict fired at (at least
/// <see cref="MinimumWindow"/>): a dead network at step 6 of 4,000 would otherwise be one pixel wide.
/// </summary>
public static class VerdictFigure
{
    public const int WindowFactor = 4;
    public const int MinimumWindow = 50;

    public static string PathFor(RunFolder run, Verdict verdict) => Path.Combine(run.Figures, $"diagnosis-{verdict.Rule}.png");

    /// <summary>Draws the figure of <paramref name="verdict"/>; returns its path, or null when the run lacks what it shows.</summary>
    public static string? Render(RunFolder run, Verdict verdict)
    {
        var title = $"{verdict.Title}{(verdict.Layers.Count > 0 ? $" ({string.Join(", ", verdict.Layers)})" : "")}: first step {verdict.FirstStep}";
        if (Panel(run, verdict, title) is not { } plot)
            return null;
        Mark(plot, verdict);
        var window = Math.Max(WindowFactor * verdict.DetectedStep, MinimumWindow);
        if (LastStep(run) is { } last && window < last)
            plot.Axes.SetLimitsX(0, window);
        var path = PathFor(run, verdict);
        PlotSheet.SavePng([plot], path, 1000, 340);
        return path;
    }

    static Plot? Panel(RunFolder run, Verdict verdict, string title)
    {
        switch (verdict.Rule)
        {
            case "update-ratio-high" or "update-ratio-low":
                if (!File.Exists(run.Distributions))
                    return null;
                var ratios = UpdateRatioChart.Panel(DistributionsCsv.Read(run.Distributions));
                ratios.Title($"{title}; update-to-weight ratio (log scale)");
                Threshold(ratios, LogScale.Of(verdict.Rule == "update-ratio-high" ? UpdateRatioHighRule.Ratio : UpdateRatioLowRule.Ratio));
                return ratios;
            case "loss-not-decreasing" or "overfitting":
                var curves = CurvesChart.Panel([new RunSeries(Path.GetFileName(run.Root), run)], ChartVocabulary.Loss, ChartVocabulary.TestLoss, log: true);
                curves.Title($"{title}; loss (log scale), test dashed");
                return curves;
            case "dead-units":
                return UnitShareChart.Panel(run, "dead_fraction", $"{title}; share of units dead for the whole batch", new DeadUnitsRule().Threshold);
            case "saturated-units":
                return UnitShareChart.Panel(run, "saturated_fraction", $"{title}; share of outputs within 2% of the bounds", new SaturatedUnitsRule().Threshold);
            default:
                var metrics = MetricsCsv.Open(run.MetricsCsv);
                var norms = GradientNormChart.Panel(new NormTrace($"{title}; gradient norm per layer (log scale)", metrics));
                if (verdict.Rule == "zero-gradients")
                    ShadeZeros(norms, metrics, verdict.Layers);
                return norms;
        }
    }

    static long? LastStep(RunFolder run) =>
        File.Exists(run.MetricsCsv) ? MetricsCsv.Open(run.MetricsCsv).Rows().LastOrDefault()?.Step : null;

    /// <summary>Shades the steps where every one of <paramref name="layers"/> had a gradient norm of exactly 0.</summary>
    static void ShadeZeros(Plot plot, MetricsCsv metrics, IReadOnlyList<string> layers)
    {
        var columns = layers.Select(l => metrics.IndexOf("grad_norm/" + l)).Where(i => i >= 0).ToArray();
        var zero = metrics.Rows().Where(r => columns.All(c => r.Values[c] == 0)).Select(r => r.Step);
        var shade = Colors.Gray.WithAlpha(0.25);
        foreach (var (first, last) in GradientNormChart.Ranges(zero))
            plot.Add.HorizontalSpan(first - 0.5, last + 0.5).FillStyle.Color = shade;
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"gradient exactly 0 ({string.Join(", ", layers)})", FillColor = shade });
    }

    /// <summary>A dotted grey line at the rule's threshold <paramref name="y"/>, in the plot's own units.</summary>
    static void Threshold(Plot plot, double y)
    {
        var line = plot.Add.HorizontalLine(y, color: Colors.Gray);
        line.LinePattern = LinePattern.Dotted;
    }

    static void Mark(Plot plot, Verdict verdict)
    {
        var first = plot.Add.VerticalLine(verdict.FirstStep, 2, Colors.Black);
        first.LegendText = $"first step {verdict.FirstStep}";
        if (verdict.DetectedStep == verdict.FirstStep)
            return;
        var seen = plot.Add.VerticalLine(verdict.DetectedStep, 1.5f, Colors.Black);
        seen.LinePattern = LinePattern.Dashed;
        seen.LegendText = $"verdict at step {verdict.DetectedStep}";
    }
}
