using ScottPlot;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// Activation statistics as layer × time pictures, after fastai's "colorful dimension": heat maps stacked one above the
/// other, each with one row per module (forward order, top to bottom) and time from left to right, so a layer whose
/// units die or saturate shows as a dark band from the step it happens. Panels: the share of dead units (channels zero
/// for the whole batch), the share of exact zeros, the share of saturated outputs (each 0 light to 1 dark; grey where
/// the statistic does not apply to the module), and the standard deviation of every module's output on a log colour
/// scale (vanishing and exploding activations; black: NaN or infinite). A panel no module has is left out. Rows stay at
/// least <see cref="MinRowHeight"/> pixels high, so 50 or more layers stay readable.
/// </summary>
public static class ActivationChart
{
    public const int MinRowHeight = 12;

    const int MaxRowHeight = 26;
    const int Margins = 110;
    const int MaxColumns = 600;

    /// <summary>The statistics drawn, with their panel titles; fractions first.</summary>
    static readonly (string Title, Func<ActivationRow, float?> Value, bool Fraction)[] Panels =
    [
        ("dead units: share of channels that were 0 for the whole batch", r => r.DeadFraction, true),
        ("exact zeros: share of outputs", r => r.ZeroFraction, true),
        ("saturated: share of outputs within 2% of a bound", r => r.SaturatedFraction, true),
        ("standard deviation of the output (log colour scale; 0 as the lowest colour; black: NaN/inf)", r => r.Std, false),
    ];

    public static void SavePng(IReadOnlyList<ActivationRow> rows, string path, int width = 1100)
    {
        if (rows.Count == 0)
            throw new StethoscopeException($"no activation statistics to draw for {path}");
        var layers = rows.Select(r => r.Layer).Distinct().ToArray();
        var kinds = rows.GroupBy(r => r.Layer).ToDictionary(g => g.Key, g => g.First().Kind);
        var steps = rows.Select(r => r.Step).Distinct().Order().ToArray();
        var byStep = rows.GroupBy(r => r.Step).ToDictionary(g => g.Key, g => g.ToDictionary(r => r.Layer));
        var rowHeight = Math.Clamp(600 / layers.Length, MinRowHeight, MaxRowHeight);
        var panels = Panels
            .Where(p => rows.Any(r => p.Value(r) is not null))
            .Select(p => Panel(p.Title, p.Fraction, layers, kinds, steps, (step, layer) => byStep[step].TryGetValue(layer, out var row) ? p.Value(row) : null))
            .ToArray();
        PlotSheet.SavePng(panels, path, width, Margins + rowHeight * layers.Length);
    }

    static Plot Panel(string title, bool fraction, string[] layers, Dictionary<string, string> kinds, long[] steps, Func<long, string, float?> value)
    {
        var plot = new Plot();
        plot.Title(title, size: 13);
        plot.XLabel("step");
        var (first, last) = (steps[0], steps[^1]);
        var grid = Grid(layers, steps, value, fraction);
        // A std of 0 (stored as -∞) takes the lowest colour of the finite values; ScottPlot needs a finite range.
        var finite = grid.Cast<double>().Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        Replace(grid, double.NegativeInfinity, finite.Min());
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Rectangle = new CoordinateRect(first, Math.Max(last, first + 1), 0, layers.Length);
        if (fraction)
        {
            heatmap.Colormap = new ScottPlot.Colormaps.Matter();
            heatmap.ManualRange = new ScottPlot.Range(0, 1);
            heatmap.NaNCellColor = Colors.LightGray;
        }
        else
        {
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            heatmap.NaNCellColor = Colors.Black;
            heatmap.ManualRange = new ScottPlot.Range(finite.Min(), Math.Max(finite.Max(), finite.Min() + 1e-3));
        }
        var colorBar = plot.Add.ColorBar(heatmap);
        if (!fraction)
            LogScale.Apply(colorBar.Axis);
        // Row i (forward order) is drawn i rows below the top: its label sits at the middle of that band.
        var ticks = layers.Select((layer, i) => new Tick(layers.Length - i - 0.5, $"{layer} ({kinds[layer]})", true)).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Left.TickLabelStyle.FontSize = layers.Length > 30 ? 9 : 11;
        plot.Axes.SetLimits(first, Math.Max(last, first + 1), 0, layers.Length);
        return plot;
    }

    /// <summary>Rows are layers; columns a uniform grid of steps, each showing the last sample at or before it, so
    /// irregular sampling (step 1, then every N) still reads as time. Std is stored as log10, a std of 0 (a layer all
    /// of whose outputs are equal, as a dead one's) as -∞ until the colour range is known; a non-finite std as NaN.</summary>
    static double[,] Grid(string[] layers, long[] steps, Func<long, string, float?> value, bool fraction)
    {
        var (first, last) = (steps[0], steps[^1]);
        var columns = (int)Math.Min(MaxColumns, Math.Max(1, last - first + 1));
        var grid = new double[layers.Length, columns];
        var sample = 0;
        for (var c = 0; c < columns; c++)
        {
            var step = first + (last - first) * c / Math.Max(1, columns - 1);
            while (sample + 1 < steps.Length && steps[sample + 1] <= step)
                sample++;
            for (var l = 0; l < layers.Length; l++)
            {
                var v = value(steps[sample], layers[l]);
                grid[l, c] = v is not { } x ? double.NaN : fraction ? x : x == 0 ? double.NegativeInfinity : LogScale.Of(x);
            }
        }
        return grid;
    }

    static void Replace(double[,] grid, double value, double by)
    {
        for (var r = 0; r < grid.GetLength(0); r++)
        {
            for (var c = 0; c < grid.GetLength(1); c++)
            {
                if (grid[r, c].Equals(value))
                    grid[r, c] = by;
            }
        }
    }
}
