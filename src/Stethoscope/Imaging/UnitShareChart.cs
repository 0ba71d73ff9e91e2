using ScottPlot;
using Stethoscope.Diagnosis;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// One activation statistic that is a share of a layer (<c>dead_fraction</c>, <c>saturated_fraction</c> of
/// activations.csv) per layer over the sampled steps, from 0 to 1, with the rule's threshold as a dashed grey line: the
/// evidence of the dead-units and saturated-units verdicts.
/// </summary>
public static class UnitShareChart
{
    internal static Plot Panel(RunFolder run, string statistic, string title, double threshold)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(statistic.Replace('_', ' '));
        var series = RunReplay.ActivationStatistics(run).Where(a => a.Statistic == statistic).GroupBy(a => a.Layer).ToArray();
        for (var i = 0; i < series.Length; i++)
        {
            var points = series[i].Where(p => float.IsFinite(p.Value)).ToArray();
            var line = plot.Add.ScatterLine(points.Select(p => (double)p.Step).ToArray(), points.Select(p => (double)p.Value).ToArray(), plot.Add.Palette.GetColor(i));
            line.LegendText = series[i].Key;
            line.LineWidth = 1.5f;
            line.MarkerSize = 4;
        }
        var limit = plot.Add.HorizontalLine(threshold, color: Colors.Gray);
        limit.LinePattern = LinePattern.Dashed;
        plot.Axes.SetLimitsY(-0.02, 1.02);
        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.ShowLegend();
        return plot;
    }
}
