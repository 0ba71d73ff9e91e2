using ScottPlot;
using Stethoscope.Charts;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// Loss (log scale) and accuracy over steps for one or more runs: each run one colour; the training batch values
/// faint, their TensorBoard-style smoothing solid, the test split's evaluations as dashed lines with markers.
/// Several runs get their legend beside the plot, so it never hides a line.
/// </summary>
public static class CurvesChart
{
    public static void SavePng(IReadOnlyList<RunSeries> runs, string path, int width = 1000, int panelHeight = 340) =>
        PlotSheet.SavePng([Panel(runs, ChartVocabulary.Loss, ChartVocabulary.TestLoss, log: true), Panel(runs, AccuracyProbe.Name, ChartVocabulary.TestAccuracy, log: false)], path, width, panelHeight);

    internal static Plot Panel(IReadOnlyList<RunSeries> runs, string trainColumn, string testColumn, bool log)
    {
        var plot = new Plot();
        plot.Title(log ? "loss (log scale)" : "accuracy");
        plot.XLabel("step");
        for (var r = 0; r < runs.Count; r++)
        {
            var color = plot.Add.Palette.GetColor(r);
            var label = runs.Count == 1 ? null : runs[r].Label;
            var metrics = MetricsCsv.Open(runs[r].Run.MetricsCsv);
            var index = metrics.IndexOf(trainColumn);
            if (index >= 0)
            {
                var rows = metrics.Rows().ToArray();
                var steps = rows.Select(row => (double)row.Step).ToArray();
                var values = rows.Select(row => (double)row.Values[index]).ToArray();
                // Smoothed in the drawn scale: on a log axis one exploding step must not dominate the average for long.
                var scaled = values.Select(v => Scale(v, log)).ToArray();
                Line(plot, steps, scaled, color.WithAlpha(0.18), 1);
                Line(plot, steps, RunSeries.Smooth(scaled), color, 2);
            }
            if (label is not null)
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, LineColor = color, LineWidth = 3 });
            if (!File.Exists(runs[r].Run.EvalCsv))
                continue;
            var eval = MetricsCsv.Open(runs[r].Run.EvalCsv);
            var testIndex = eval.IndexOf(testColumn);
            var tests = eval.Rows().Where(row => testIndex >= 0 && float.IsFinite(row.Values[testIndex])).ToArray();
            if (tests.Length == 0)
                continue;
            foreach (var test in Line(plot, [.. tests.Select(t => (double)t.Step)], [.. tests.Select(t => Scale(t.Values[testIndex], log))], color, 2))
            {
                test.LinePattern = LinePattern.Dashed;
                test.MarkerSize = 7;
            }
        }
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "train (smoothed; faint: per batch)", LineColor = Colors.Gray, LineWidth = 2 });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "test", LineColor = Colors.Gray, LineWidth = 2, LinePattern = LinePattern.Dashed, MarkerShape = MarkerShape.FilledCircle, MarkerColor = Colors.Gray, MarkerSize = 7 });
        if (log)
            LogScale.Apply(plot.Axes.Left);
        else
            plot.Axes.SetLimitsY(0, 1.02);
        if (runs.Count == 1)
        {
            plot.Legend.Alignment = log ? Alignment.UpperRight : Alignment.LowerRight;
            plot.ShowLegend();
        }
        else
        {
            plot.ShowLegend(Edge.Right);
        }
        return plot;
    }

    static double Scale(double value, bool log) => log ? LogScale.Of(value) : value;

    /// <summary>A line broken where values are NaN or infinite (a diverged run), never bridged across them.</summary>
    static List<ScottPlot.Plottables.Scatter> Line(Plot plot, double[] xs, double[] ys, Color color, float width)
    {
        var lines = new List<ScottPlot.Plottables.Scatter>();
        foreach (var (segmentXs, segmentYs) in LineSegments.Drawable(xs, ys))
        {
            var line = plot.Add.ScatterLine(segmentXs, segmentYs, color);
            line.LineWidth = width;
            line.MarkerSize = segmentXs.Length == 1 ? 3 : 0;
            lines.Add(line);
        }
        return lines;
    }
}
