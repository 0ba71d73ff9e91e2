using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>
/// One layer's sampled weights over time (<c>weights/&lt;layer&gt;.csv</c>) for a heat map: the recorded steps (at most
/// one per pixel column, the last recorded in it) and, step after step, every sampled weight as little-endian float32
/// in base64 (NaN kept), a tenth of the size of the same numbers as JSON text. The file is already bounded by its
/// writer (<see cref="DistributionLog"/>), so it is read whole.
/// </summary>
public sealed record WeightHeatmap(string Layer, IReadOnlyList<long> Steps, int Weights, string Values)
{
    internal static WeightHeatmap? Read(string layer, string file, int width)
    {
        MetricsRow[] rows;
        try
        {
            rows = [.. MetricsCsv.Open(file).Rows()];
        }
        catch (Data.DataFormatException)
        {
            return null;
        }
        if (rows.Length == 0)
            return new WeightHeatmap(layer, [], 0, "");
        var (first, last) = (rows[0].Step, rows[^1].Step);
        width = Math.Clamp(width, 1, Charts.SeriesEnvelope.MaxWidth);
        var kept = rows.Where((r, i) => i == rows.Length - 1 || Column(rows[i + 1].Step) != Column(r.Step)).ToArray();
        var weights = kept.Min(r => r.Values.Length);
        var bytes = new byte[kept.Length * weights * sizeof(float)];
        for (var i = 0; i < kept.Length; i++)
            Buffer.BlockCopy(kept[i].Values, 0, bytes, i * weights * sizeof(float), weights * sizeof(float));
        return new WeightHeatmap(layer, [.. kept.Select(r => r.Step)], weights, Convert.ToBase64String(bytes));

        long Column(long step) => last == first ? 0 : (step - first) * width / (last - first + 1);
    }
}
