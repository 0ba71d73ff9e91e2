using ScottPlot;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// Weights over training time as heat maps, one panel per layer: each row one of the layer's sampled weights
/// (evenly spaced positions in the flattened tensor), each column a recorded step, blue negative, white zero,
/// red positive on one symmetric scale per layer. Columns are as wide as the steps between recordings, so a
/// thinned file still reads as a time axis.
/// </summary>
public static class WeightHeatmapChart
{
    public static void SavePng(RunFolder run, IReadOnlyList<string> layers, string path, int panelWidth = 1000, int panelHeight = 240) =>
        SavePng([new RunSeries("", run)], layers, path, panelWidth, panelHeight);

    /// <summary>Several runs side by side: a column per run, a row per layer.</summary>
    public static void SavePng(IReadOnlyList<RunSeries> runs, IReadOnlyList<string> layers, string path, int panelWidth = 1000, int panelHeight = 240) =>
        PlotSheet.SavePng([.. layers.SelectMany(l => runs.Select(r => Panel(MetricsCsv.Open(r.Run.WeightSamples(l)), r.Label.Length == 0 ? l : $"{l} ({r.Label})")))],
            path, runs.Count == 1 ? panelWidth : 640, panelHeight, runs.Count);

    static Plot Panel(MetricsCsv samples, string title)
    {
        var rows = samples.Rows().ToArray();
        var plot = new Plot();
        plot.Title($"{title}: {samples.Columns.Count} sampled weights (black: NaN)", size: 12);
        plot.XLabel("step");
        plot.YLabel("weight");
        if (rows.Length == 0)
            return plot;
        var limit = rows.SelectMany(r => r.Values).Where(float.IsFinite).Select(Math.Abs).DefaultIfEmpty(1).Max();
        var last = rows[^1].Step;
        var first = rows[0].Step;
        // One column per recorded step, stretched to its time span by rendering on a uniform step grid.
        var columns = Math.Min(600, (int)(last - first) + 1);
        var grid = new double[samples.Columns.Count, columns];
        for (var c = 0; c < columns; c++)
        {
            var step = first + (last - first) * c / Math.Max(1, columns - 1);
            var row = rows.Last(r => r.Step <= step);
            for (var w = 0; w < samples.Columns.Count; w++)
                grid[samples.Columns.Count - 1 - w, c] = row.Values[w];
        }
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Balance();
        heatmap.ManualRange = new ScottPlot.Range(-limit, limit);
        heatmap.NaNCellColor = Colors.Black;
        heatmap.Rectangle = new CoordinateRect(first, last, 0, samples.Columns.Count);
        plot.Add.ColorBar(heatmap);
        plot.Axes.SetLimits(first, last, 0, samples.Columns.Count);
        return plot;
    }
}
