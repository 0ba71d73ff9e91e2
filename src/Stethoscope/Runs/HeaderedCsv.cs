using Stethoscope.Data;

namespace Stethoscope.Runs;

/// <summary>
/// A CSV file of a run folder whose header is fixed (<c>weights/distributions.csv</c>, <c>activations.csv</c>): read
/// while or after it is written (a half-written last line is skipped), every line checked against the header, each
/// row parsed by the caller; a file of another shape is one clear error.
/// </summary>
static class HeaderedCsv
{
    /// <param name="path">The file.</param>
    /// <param name="columns">The header's cells.</param>
    /// <param name="missing">Why the file may be missing, for the error ("was the run trained with …?").</param>
    /// <param name="shape">What the file is and its header, for the error ("a distributions file: the header must be …").</param>
    /// <param name="parse">Parses the cells of one line (its 1-based number given).</param>
    public static IReadOnlyList<T> Read<T>(string path, IReadOnlyList<string> columns, string missing, string shape, Func<int, string[], T> parse)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, $"no such file ({missing})");
        var lines = MetricsCsv.CompleteLines(path).ToArray();
        if (lines.Length == 0 || lines[0] != string.Join(",", columns))
            throw new DataFormatException(path, $"not {shape}");
        var rows = new List<T>(lines.Length - 1);
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            if (cells.Length != columns.Count)
                throw new DataFormatException(path, $"line {i + 1} has {cells.Length} cells, the header {columns.Count}");
            rows.Add(parse(i + 1, cells));
        }
        return rows;
    }
}
