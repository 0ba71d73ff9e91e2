using ScottPlot;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// The update-to-weight ratio ‖Δw‖/‖w‖ of each layer over steps on a log scale, with the rule of thumb's 1e-3
/// drawn as a grey line: far above it a layer's weights are thrashing, far below they barely learn.
/// </summary>
public static class UpdateRatioChart
{
    public static void SavePng(IReadOnlyList<DistributionRow> rows, string path, int width = 1000, int height = 320) =>
        PlotSheet.SavePng([Panel(rows)], path, width, height);

    internal static Plot Panel(IReadOnlyList<DistributionRow> rows)
    {
        var plot = new Plot();
        plot.Title("update-to-weight ratio ‖Δw‖ / ‖w‖ per step (log scale; grey: 1e-3)");
        plot.XLabel("step");
        var updates = rows.Where(r => r.Distribution.Kind == TensorKind.Weight && r.Distribution.UpdateRatio is not null).ToArray();
        var layers = updates.Select(r => r.Distribution.Layer).Distinct().ToArray();
        for (var i = 0; i < layers.Length; i++)
        {
            var points = updates.Where(r => r.Distribution.Layer == layers[i] && LogScale.Of(r.Distribution.UpdateRatio!.Value) is var y && double.IsFinite(y)).ToArray();
            var line = plot.Add.ScatterLine(points.Select(p => (double)p.Step).ToArray(), points.Select(p => LogScale.Of(p.Distribution.UpdateRatio!.Value)).ToArray(), plot.Add.Palette.GetColor(i));
            line.LegendText = layers[i];
            line.LineWidth = 1.5f;
            line.MarkerSize = 4;
        }
        var reference = plot.Add.HorizontalLine(-3, color: Colors.Gray);
        reference.LinePattern = LinePattern.Dashed;
        LogScale.Apply(plot.Axes.Left);
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.ShowLegend();
        return plot;
    }
}
