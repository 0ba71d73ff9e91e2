using System.Globalization;
using Stethoscope.Data;
using Stethoscope.Probes;

namespace Stethoscope.Runs;

/// <summary>One row of <c>weights/distributions.csv</c>: a layer's weight or gradient distribution at a step.</summary>
public sealed record DistributionRow(long Step, LayerDistribution Distribution);

/// <summary>Reads <c>weights/distributions.csv</c> as <see cref="DistributionLog"/> writes it; a half-written last line is skipped.</summary>
public static class DistributionsCsv
{
    public static IReadOnlyList<DistributionRow> Read(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, "no such file (was the run trained with --distributions-every 0?)");
        var lines = MetricsCsv.CompleteLines(path).ToArray();
        if (lines.Length == 0 || lines[0] != string.Join(",", DistributionLog.Columns))
            throw new DataFormatException(path, "not a distributions file: the header must be " + string.Join(",", DistributionLog.Columns.Take(9)) + ",b0…");
        var rows = new List<DistributionRow>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
            rows.Add(Parse(path, i + 1, lines[i].Split(',')));
        return rows;
    }

    static DistributionRow Parse(string path, int line, string[] cells)
    {
        if (cells.Length != DistributionLog.Columns.Length)
            throw new DataFormatException(path, $"line {line} has {cells.Length} cells, the header {DistributionLog.Columns.Length}");
        var kind = cells[2] switch
        {
            "weight" => TensorKind.Weight,
            "gradient" => TensorKind.Gradient,
            _ => throw new DataFormatException(path, $"line {line}: tensor must be weight or gradient, not '{cells[2]}'"),
        };
        float Number(int i) => cells[i].Length == 0 ? float.NaN
            : float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new DataFormatException(path, $"line {line}: '{cells[i]}' is not a number");
        if (!long.TryParse(cells[0], CultureInfo.InvariantCulture, out var step))
            throw new DataFormatException(path, $"line {line}: step must be an integer");
        var buckets = Enumerable.Range(9, DistributionProbe.Buckets).Select(Number).ToArray();
        float? update = cells[8].Length == 0 ? null : Number(8);
        return new DistributionRow(step, new LayerDistribution(cells[1], kind, Number(3), Number(4), Number(5), Number(6), Number(7), update, buckets));
    }
}
