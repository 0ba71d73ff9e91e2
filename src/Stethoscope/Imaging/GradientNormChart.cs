using ScottPlot;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>One panel of a <see cref="GradientNormChart"/>: a run's title and its metrics.</summary>
public sealed record NormTrace(string Title, MetricsCsv Metrics);

/// <summary>
/// Panels stacked one above the other, one per run, each with the per-layer gradient norms over steps on a log
/// scale (ScottPlot). Zero norms (dead layers) leave gaps; steps with a NaN or infinite norm are shaded red.
/// </summary>
public static class GradientNormChart
{
    public static void SavePng(IReadOnlyList<NormTrace> traces, string path, int width = 1000, int panelHeight = 260) =>
        PlotSheet.SavePng([.. traces.Select(Panel)], path, width, panelHeight);

    /// <summary>Runs of consecutive steps with a positive finite norm: zero (a dead layer) and NaN leave gaps, not lines.</summary>
    static IEnumerable<MetricsRow[]> Segments(MetricsRow[] rows, int index)
    {
        var current = new List<MetricsRow>();
        foreach (var row in rows)
        {
            var value = row.Values[index];
            if (float.IsFinite(value) && value > 0)
            {
                current.Add(row);
                continue;
            }
            if (current.Count > 0)
                yield return [.. current];
            current.Clear();
        }
        if (current.Count > 0)
            yield return [.. current];
    }

    /// <summary>Sorted steps grouped into runs of consecutive steps.</summary>
    static IEnumerable<(long First, long Last)> Ranges(IEnumerable<long> steps)
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

    static Plot Panel(NormTrace trace)
    {
        var metrics = trace.Metrics;
        var rows = metrics.Rows().ToArray();
        var plot = new Plot();
        plot.Title(trace.Title);
        plot.XLabel("step");
        plot.YLabel("gradient norm");
        var nonFinite = new List<long>();
        var columns = metrics.ColumnsStartingWith(GradientNormProbe.Prefix);
        for (var c = 0; c < columns.Count; c++)
        {
            var index = metrics.IndexOf(columns[c]);
            nonFinite.AddRange(rows.Where(r => !float.IsFinite(r.Values[index])).Select(r => r.Step));
            var color = plot.Add.Palette.GetColor(c);
            var segments = Segments(rows, index).ToArray();
            foreach (var segment in segments)
            {
                var line = plot.Add.ScatterLine(segment.Select(r => (double)r.Step).ToArray(), segment.Select(r => Math.Log10(r.Values[index])).ToArray(), color);
                line.LineWidth = 1.5f;
                line.MarkerSize = segment.Length == 1 ? 4 : 0;
            }
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = columns[c][GradientNormProbe.Prefix.Length..], LineColor = color, LineWidth = 2 });
        }
        if (nonFinite.Count > 0)
        {
            var shade = Colors.Red.WithAlpha(0.15);
            foreach (var (first, last) in Ranges(nonFinite))
                plot.Add.HorizontalSpan(first - 0.5, last + 0.5).FillStyle.Color = shade;
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"NaN/inf norms (first: step {nonFinite.Min()})", FillColor = shade });
        }
        if (rows.Length > 0)
            plot.Axes.SetLimitsX(0, rows[^1].Step + 1);
        LogScale.Apply(plot.Axes.Left);
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        return plot;
    }
}
