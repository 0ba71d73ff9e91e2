using System.Globalization;
using System.Text;
using Stethoscope.Data;

namespace Stethoscope.Runs;

/// <summary>One row of metrics.csv: the step, the epoch and the value of every other column (an empty cell, a column
/// not recorded at that step, reads as the value the reader asked for, NaN unless told).</summary>
public sealed record MetricsRow(long Step, int Epoch, float[] Values);

/// <summary>
/// Reads a run's metrics.csv, row by row, while or after it is written. Only lines that end with a newline are read,
/// so the half-written last line of a run in progress is skipped, never misread.
/// </summary>
public sealed class MetricsCsv
{
    readonly string path;

    MetricsCsv(string path, string[] columns)
    {
        this.path = path;
        Columns = columns;
    }

    /// <summary>The columns after <c>step,epoch</c>: loss, accuracy, lr, grad_norm/&lt;layer&gt;…</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The columns that start with <paramref name="prefix"/>, in file order (for example the gradient norms).</summary>
    public IReadOnlyList<string> ColumnsStartingWith(string prefix) => [.. Columns.Where(c => c.StartsWith(prefix, StringComparison.Ordinal))];

    public int IndexOf(string column) => Columns.ToList().IndexOf(column);

    public static MetricsCsv Open(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, "no such file (is this a run folder?)");
        var header = CompleteLines(path).FirstOrDefault()
            ?? throw new DataFormatException(path, "empty: the run recorded no step");
        var cells = header.Split(',');
        if (cells.Length < 3 || cells[0] != "step" || cells[1] != "epoch")
            throw new DataFormatException(path, $"not a metrics file: the header must start with step,epoch; found '{(header.Length > 60 ? header[..60] + "…" : header)}'");
        return new MetricsCsv(path, cells[2..]);
    }

    /// <summary>The rows in file order; a line with the wrong number of cells or a bad number is an error.</summary>
    /// <param name="empty">What an empty cell reads as: NaN marks "not recorded", apart from a recorded NaN only by
    /// the file; a reader that must do what the live recorder did with a missing reading passes its value.</param>
    public IEnumerable<MetricsRow> Rows(float empty = float.NaN)
    {
        var line = 1;
        foreach (var text in CompleteLines(path).Skip(1))
        {
            line++;
            var cells = text.Split(',');
            if (cells.Length != Columns.Count + 2)
                throw new DataFormatException(path, $"line {line} has {cells.Length} cells, the header {Columns.Count + 2}");
            if (!long.TryParse(cells[0], CultureInfo.InvariantCulture, out var step) || !int.TryParse(cells[1], CultureInfo.InvariantCulture, out var epoch))
                throw new DataFormatException(path, $"line {line}: step and epoch must be integers");
            var values = new float[Columns.Count];
            for (var i = 0; i < values.Length; i++)
                values[i] = cells[i + 2].Length == 0 ? empty : ParseCell(cells[i + 2], line);
            yield return new MetricsRow(step, epoch, values);
        }
    }

    float ParseCell(string cell, int line) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DataFormatException(path, $"line {line}: '{cell}' is not a number");

    /// <summary>The file's lines up to its last newline (LF or CRLF), read while another process may still be appending.</summary>
    internal static IEnumerable<string> CompleteLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var remaining = LengthToLastNewline(stream);
        stream.Position = 0;
        var buffer = new byte[1 << 16];
        using var line = new MemoryStream();
        while (remaining > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
                yield break;
            remaining -= read;
            var start = 0;
            for (var i = Array.IndexOf(buffer, (byte)'\n', 0, read); i >= 0; i = Array.IndexOf(buffer, (byte)'\n', start, read - start))
            {
                line.Write(buffer, start, i - start);
                yield return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length).TrimEnd('\r');
                line.SetLength(0);
                start = i + 1;
            }
            line.Write(buffer, start, read - start);
        }
    }

    static long LengthToLastNewline(FileStream stream)
    {
        var buffer = new byte[4096];
        for (var end = stream.Length; end > 0;)
        {
            var start = Math.Max(0, end - buffer.Length);
            stream.Position = start;
            stream.ReadExactly(buffer, 0, (int)(end - start));
            var at = Array.LastIndexOf(buffer, (byte)'\n', (int)(end - start - 1));
            if (at >= 0)
                return start + at + 1;
            end = start;
        }
        return 0;
    }
}
