using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>A run as a chart shows it: its folder and the label of its line.</summary>
public sealed record RunSeries(string Label, RunFolder Run)
{
    /// <summary>Smoothed like TensorBoard's scalar dashboard: an exponential moving average with bias correction.</summary>
    public static double[] Smooth(IReadOnlyList<double> values, double weight = 0.9)
    {
        var smoothed = new double[values.Count];
        double last = 0, debias = 1;
        for (var i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                smoothed[i] = double.NaN;
                continue;
            }
            last = last * weight + (1 - weight) * values[i];
            debias *= weight;
            smoothed[i] = last / (1 - debias);
        }
        return smoothed;
    }
}
