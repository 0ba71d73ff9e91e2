using ScottPlot;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// Loss (log scale) and accuracy over steps for one or more runs: each run one colour; the training batch values
/// faint, their TensorBoard-style smoothing solid, the test split's evaluations as dashed lines with markers.
/// </summary>
public static class CurvesChart
{
    public static void SavePng(IReadOnlyList<RunSeries> runs, string path, int width = 1000, int panelHeight = 340) =>
        PlotSheet.SavePng([Panel(runs, "loss", "test_loss", log: true), Panel(runs, AccuracyProbe.Name, "test_accuracy", log: false)], path, width, panelHeight);

    static Plot Panel(IReadOnlyList<RunSeries> runs, string trainColumn, string testColumn, bool log)
    {
        var plot = new Plot();
        plot.Title(log ? "loss (log scale)" : "accuracy");
        plot.XLabel("step");
        for (var r = 0; r < runs.Count; r++)
        {
            var color = plot.Add.Palette.GetColor(r);
            var label = runs.Count == 1 ? "" : runs[r].Label + ": ";
            var metrics = MetricsCsv.Open(runs[r].Run.MetricsCsv);
            var index = metrics.IndexOf(trainColumn);
            if (index >= 0)
            {
                var rows = metrics.Rows().ToArray();
                var steps = rows.Select(row => (double)row.Step).ToArray();
                var values = rows.Select(row => (double)row.Values[index]).ToArray();
                Line(plot, steps, values.Select(v => Scale(v, log)).ToArray(), color.WithAlpha(0.18), 1, null);
                Line(plot, steps, RunSeries.Smooth(values).Select(v => Scale(v, log)).ToArray(), color, 2, $"{label}train (smoothed)");
            }
            if (!File.Exists(runs[r].Run.EvalCsv))
                continue;
            var eval = MetricsCsv.Open(runs[r].Run.EvalCsv);
            var testIndex = eval.IndexOf(testColumn);
            var tests = eval.Rows().Where(row => testIndex >= 0 && float.IsFinite(row.Values[testIndex])).ToArray();
            if (tests.Length == 0)
                continue;
            var test = Line(plot, [.. tests.Select(t => (double)t.Step)], [.. tests.Select(t => Scale(t.Values[testIndex], log))], color, 2, $"{label}test");
            test.LinePattern = LinePattern.Dashed;
            test.MarkerSize = 7;
        }
        if (log)
            LogScale.Apply(plot.Axes.Left);
        else
            plot.Axes.SetLimitsY(0, 1.02);
        plot.Legend.Alignment = log ? Alignment.UpperRight : Alignment.LowerRight;
        plot.ShowLegend();
        return plot;
    }

    static double Scale(double value, bool log) => log ? LogScale.Of(value) : value;

    /// <summary>A line through the finite points only (a diverged run's NaN losses are left out, not drawn as zero).</summary>
    static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, double[] ys, Color color, float width, string? label)
    {
        var finite = Enumerable.Range(0, xs.Length).Where(i => double.IsFinite(ys[i])).ToArray();
        var line = plot.Add.ScatterLine(finite.Select(i => xs[i]).ToArray(), finite.Select(i => ys[i]).ToArray(), color);
        line.LineWidth = width;
        line.MarkerSize = 0;
        if (label is not null)
            line.LegendText = label;
        return line;
    }
}
