using ScottPlot;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>One panel of a <see cref="GradientNormChart"/>: a run's title and its metrics.</summary>
public sealed record NormTrace(string Title, MetricsCsv Metrics);

/// <summary>
/// Panels stacked one above the other, one per run, each with the per-layer gradient norms over steps on a log
/// scale (ScottPlot), or one panel per layer with the runs overlaid. Zero norms (dead layers) leave gaps; steps with
/// a NaN or infinite norm are shaded red (overlaid: named in the legend per run).
/// </summary>
public static class GradientNormChart
{
    public static void SavePng(IReadOnlyList<NormTrace> traces, string path, int width = 1000, int panelHeight = 260) =>
        PlotSheet.SavePng([.. traces.Select(Panel)], path, width, panelHeight);

    /// <summary>Sorted steps grouped into runs of consecutive steps.</summary>
    internal static IEnumerable<(long First, long Last)> Ranges(IEnumerable<long> steps)
    {
        long? first = null, last = null;
        foreach (var step in steps.Distinct().Order())
        {
            if (last is { } previous && step == previous + 1)
            {
                last = step;
                continue;
            }
            if (first is not null)
                yield return (first.Value, last!.Value);
            first = last = step;
        }
        if (first is not null)
            yield return (first.Value, last!.Value);
    }

    /// <summary>The runs overlaid: one panel per layer (the first run's layers), one colour per run.</summary>
    public static void SaveOverlayPng(IReadOnlyList<RunSeries> runs, string path, int width = 1000, int panelHeight = 240)
    {
        var metrics = runs.Select(r => MetricsCsv.Open(r.Run.MetricsCsv)).ToArray();
        var rows = metrics.Select(m => m.Rows().ToArray()).ToArray();
        var layers = metrics[0].ColumnsStartingWith(GradientNormProbe.Prefix);
        var panels = layers.Select(layer => NewPanel($"{layer[GradientNormProbe.Prefix.Length..]}: gradient norm (log scale)", plot =>
            Enumerable.Range(0, runs.Count).Select(r => new Series(runs[r].Label, rows[r], metrics[r].IndexOf(layer), plot.Add.Palette.GetColor(r))), overlay: true));
        PlotSheet.SavePng([.. panels], path, width, panelHeight);
    }

    internal static Plot Panel(NormTrace trace)
    {
        var rows = trace.Metrics.Rows().ToArray();
        var columns = trace.Metrics.ColumnsStartingWith(GradientNormProbe.Prefix);
        return NewPanel(trace.Title, plot => columns.Select((column, c) =>
            new Series(column[GradientNormProbe.Prefix.Length..], rows, trace.Metrics.IndexOf(column), plot.Add.Palette.GetColor(c))));
    }

    /// <summary>One line on a panel: a label, the rows, the column index (negative: the run lacks it) and a colour.</summary>
    sealed record Series(string Label, MetricsRow[] Rows, int Index, Color Color);

    /// <summary>A panel of lines; with <paramref name="overlay"/> (several runs) NaN steps are named per run in the legend
    /// instead of shading the whole panel, since one run's NaN says nothing of the others.</summary>
    static Plot NewPanel(string title, Func<Plot, IEnumerable<Series>> series, bool overlay = false)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("gradient norm");
        var nonFinite = new List<long>();
        long lastStep = 0;
        foreach (var line in series(plot).Where(s => s.Index >= 0).ToArray())
        {
            var nan = line.Rows.Where(r => !float.IsFinite(r.Values[line.Index])).Select(r => r.Step).ToArray();
            nonFinite.AddRange(nan);
            var steps = line.Rows.Select(r => (double)r.Step).ToArray();
            foreach (var (xs, ys) in LineSegments.Drawable(steps, [.. line.Rows.Select(r => LogScale.Of(r.Values[line.Index]))]))
            {
                var scatter = plot.Add.ScatterLine(xs, ys, line.Color);
                scatter.LineWidth = 1.5f;
                scatter.MarkerSize = xs.Length == 1 ? 4 : 0;
            }
            var nanNote = overlay && nan.Length > 0 ? $" (NaN/inf from step {nan.Min()})" : "";
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = line.Label + nanNote, LineColor = line.Color, LineWidth = 2 });
            if (line.Rows.Length > 0)
                lastStep = Math.Max(lastStep, line.Rows[^1].Step);
        }
        if (nonFinite.Count > 0 && !overlay)
        {
            var shade = Colors.Red.WithAlpha(0.15);
            foreach (var (first, last) in Ranges(nonFinite))
                plot.Add.HorizontalSpan(first - 0.5, last + 0.5).FillStyle.Color = shade;
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"NaN/inf norms (first: step {nonFinite.Min()})", FillColor = shade });
        }
        plot.Axes.SetLimitsX(0, lastStep + 1);
        LogScale.Apply(plot.Axes.Left);
        if (overlay)
        {
            plot.ShowLegend(Edge.Right);
            return plot;
        }
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        return plot;
    }
}
