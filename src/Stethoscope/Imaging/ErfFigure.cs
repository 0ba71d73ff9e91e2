using System.Globalization;
using ScottPlot;
using Stethoscope.Analysis;

namespace Stethoscope.Imaging;

/// <summary>One panel of an <see cref="ErfFigure"/>: a title (such as "initial" or "final") and the measured field.</summary>
public sealed record ErfPanel(string Title, EffectiveReceptiveField Field);

/// <summary>
/// Effective receptive fields as heat maps over the input, one panel each, side by side: each map scaled to its own
/// maximum (the shape is what matters, as in Luo et al.'s figures), the theoretical receptive field drawn as a
/// white square, and σ, r95 and the ratio in the panel's caption.
/// </summary>
public static class ErfFigure
{
    public static void SavePng(IReadOnlyList<ErfPanel> panels, string path, int panelSize = 420) =>
        PlotSheet.SavePng([.. panels.Select(Panel)], path, panelSize, panelSize + 60, panels.Count);

    static Plot Panel(ErfPanel panel)
    {
        var field = panel.Field;
        var plot = new Plot();
        var peak = field.Map.Max();
        // The y axis points down like image rows, so ScottPlot's bottom row of the heatmap is image row 0.
        var intensities = new double[field.Height, field.Width];
        for (var row = 0; row < field.Height; row++)
            for (var column = 0; column < field.Width; column++)
                intensities[field.Height - 1 - row, column] = peak > 0 ? field[row, column] / peak : 0;
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Inferno();
        heatmap.Rectangle = new CoordinateRect(-0.5, field.Width - 0.5, field.Height - 0.5, -0.5);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        if (field.Theoretical.Kind == ReceptiveFieldKind.Window)
        {
            var (top, bottom) = field.Theoretical.WindowOf(field.UnitRow);
            var (left, right) = field.Theoretical.WindowOf(field.UnitColumn);
            var square = plot.Add.Rectangle(left - 0.5, right + 0.5, bottom + 0.5, top - 0.5);
            square.FillStyle.Color = Colors.Transparent;
            square.LineStyle.Color = Colors.White.WithAlpha(0.8);
            square.LineStyle.Width = 1.5f;
            square.LineStyle.Pattern = LinePattern.Dashed;
        }
        plot.Axes.SetLimits(-0.5, field.Width - 0.5, field.Height - 0.5, -0.5);
        plot.Axes.SquareUnits();
        plot.Title($"{panel.Title}: {field.Layer} unit ({field.UnitRow}, {field.UnitColumn})");
        plot.XLabel(Caption(field), size: 13);
        return plot;
    }

    static string Caption(EffectiveReceptiveField field)
    {
        if (double.IsNaN(field.Sigma))
            return "the gradient vanished: no effective receptive field";
        var text = string.Create(CultureInfo.InvariantCulture, $"σ {field.Sigma:0.00} px, r95 {field.R95:0.0} px");
        return field.TheoreticalSize is { } size
            ? text + string.Create(CultureInfo.InvariantCulture, $"\ntheoretical RF {size} px (dashed), ratio {field.Ratio:0.00}")
            : text;
    }
}
