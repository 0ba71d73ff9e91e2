using ScottPlot;

namespace Stethoscope.Imaging;

/// <summary>ScottPlot draws log scales by plotting log10 of the data on a linear axis labelled as powers of ten.</summary>
public static class LogScale
{
    public static void Apply(IAxis axis) => axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = y => $"1e{y:0}",
    };

    /// <summary>log10 of a positive finite value, NaN otherwise (a gap in the line).</summary>
    public static double Of(double value) => double.IsFinite(value) && value > 0 ? Math.Log10(value) : double.NaN;
}
