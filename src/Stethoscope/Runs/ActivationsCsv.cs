using System.Globalization;
using Stethoscope.Data;

namespace Stethoscope.Runs;

/// <summary>One row of <c>activations.csv</c>: a module's output statistics at a sampled step; null where a statistic
/// does not apply to the module (or the cell was empty).</summary>
public sealed record ActivationRow(long Step, int Epoch, string Layer, string Kind, float Mean, float Std, float? ZeroFraction, float? DeadFraction, float? SaturatedFraction);

/// <summary>Reads <c>activations.csv</c> as <see cref="ActivationLog"/> writes it, while or after it is written (a
/// half-written last line is skipped); a file of another shape is one clear error.</summary>
public static class ActivationsCsv
{
    public static IReadOnlyList<ActivationRow> Read(string path) =>
        HeaderedCsv.Read(path, ActivationLog.Columns, "was the run trained with --activations-every 0?",
            "an activations file: the header must be " + string.Join(",", ActivationLog.Columns), (line, cells) => Parse(path, line, cells));

    static ActivationRow Parse(string path, int line, string[] cells)
    {
        if (!long.TryParse(cells[0], CultureInfo.InvariantCulture, out var step) || !int.TryParse(cells[1], CultureInfo.InvariantCulture, out var epoch))
            throw new DataFormatException(path, $"line {line}: step and epoch must be integers");
        if (cells[2].Length == 0)
            throw new DataFormatException(path, $"line {line}: the layer is empty");
        float? Number(int i) => cells[i].Length == 0 ? null
            : float.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new DataFormatException(path, $"line {line}: '{cells[i]}' is not a number");
        return new ActivationRow(step, epoch, cells[2], cells[3], Number(4) ?? float.NaN, Number(5) ?? float.NaN, Number(6), Number(7), Number(8));
    }
}
