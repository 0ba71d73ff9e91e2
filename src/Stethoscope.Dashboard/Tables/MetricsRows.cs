using System.Globalization;

namespace Stethoscope.Dashboard;

/// <summary><c>metrics.csv</c> and <c>eval.csv</c>: <c>step,epoch,…</c>, one row per step, every column a series (epoch
/// too). One instance per table: it keeps the table's column of each header cell.</summary>
sealed class MetricsRows : IRowFormat
{
    string[]? header;
    int[] columns = [];

    public bool Accepts(string[] header) => header is ["step", "epoch", ..];

    public void Apply(string[] header, ReadOnlySpan<char> line, ReadOnlySpan<Range> cells, SeriesTable table)
    {
        if (!ReferenceEquals(header, this.header) || table.Columns.Count == 0)
            (this.header, columns) = (header, [-1, .. header.Skip(1).Select(table.Column)]);
        var row = table.Row(long.Parse(line[cells[0]], NumberStyles.Integer, CultureInfo.InvariantCulture));
        if (row < 0)
            return;
        for (var i = 1; i < cells.Length; i++)
            table.Set(row, columns[i], SeriesTable.Number(line[cells[i]]));
    }
}
