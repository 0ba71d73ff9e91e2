using System.Globalization;
using Stethoscope.Data;
using Stethoscope.Probes;

namespace Stethoscope.Runs;

/// <summary>One row of <c>weights/distributions.csv</c>: a layer's weight or gradient distribution at a step.</summary>
public sealed record DistributionRow(long Step, LayerDistribution Distribution);

/// <summary>Reads <c>weights/distributions.csv</c> as <see cref="DistributionLog"/> writes it; a half-written last line is skipped.</summary>
public static class DistributionsCsv
{
    public static IReadOnlyList<DistributionRow> Read(string path) =>
        HeaderedCsv.Read(path, DistributionLog.Columns, "was the run trained with --distributions-every 0?",
            "a distributions file: the header must be " + string.Join(",", DistributionLog.Columns.Take(9)) + ",b0…", (line, cells) => Parse(path, line, cells));

    static DistributionRow Parse(string path, int line, string[] cells)
    {
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
