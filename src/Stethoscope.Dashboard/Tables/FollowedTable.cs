using System.Globalization;

namespace Stethoscope.Dashboard;

/// <summary>How the lines of one kind of run-folder CSV become columns of a <see cref="SeriesTable"/>.</summary>
interface IRowFormat
{
    /// <summary>Whether <paramref name="header"/> is this format's; another header leaves the table empty.</summary>
    bool Accepts(string[] header);

    /// <summary>Puts one line, cut into <paramref name="cells"/> (as many as the header has), into <paramref name="table"/>.</summary>
    void Apply(string[] header, ReadOnlySpan<char> line, ReadOnlySpan<Range> cells, SeriesTable table);
}

/// <summary>One CSV of a run folder followed into a table as it grows; every call of <see cref="Refresh"/> reads what is new.
/// Callers lock the instance while they refresh and read it.</summary>
sealed class FollowedTable(string path, RunCatalog catalog, IRowFormat format)
{
    readonly CsvFollower follower = new(path, catalog);

    public SeriesTable Table { get; } = new();

    public bool Exists => follower.Header is not null;

    public FollowedTable Refresh()
    {
        var text = follower.Read(out var restarted);
        if (restarted)
            Table.Clear();
        if (follower.Header is not { } header || !format.Accepts(header))
            return this;
        // Lines are cut in place: a 100,000-step metrics.csv is read without a string per cell.
        Span<Range> cells = new Range[header.Length + 1];
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.Split(cells, ',') == header.Length && long.TryParse(line[cells[0]], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                format.Apply(header, line, cells[..header.Length], Table);
        }
        return this;
    }
}
