using ScottPlot;

namespace Stethoscope.Imaging;

/// <summary>ScottPlot draws log scales by plotting log10 of the data on a linear axis labelled with the data's values.</summary>
public static class LogScale
{
    public static void Apply(IAxis axis) => axis.TickGenerator = new LogTickGenerator();

    /// <summary>log10 of a positive finite value, NaN otherwise (a gap in the line).</summary>
    public static double Of(double value) => double.IsFinite(value) && value > 0 ? Math.Log10(value) : double.NaN;

    /// <summary>
    /// ScottPlot's own generators place integer (decade) ticks only, so a span under a decade had one label or none:
    /// the ticks come from <see cref="LogTicks"/> for the range actually shown.
    /// </summary>
    sealed class LogTickGenerator : ITickGenerator
    {
        public Tick[] Ticks { get; set; } = [];

        public int MaxTickCount { get; set; } = 1000;

        public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle) =>
            Ticks = [.. LogTicks.Between(range.Min, range.Max).Take(MaxTickCount).Select(t => new Tick(t.Position, t.Label ?? "", t.Label is not null))];
    }
}
