namespace Stethoscope.Dashboard;

/// <summary>
/// <c>activations.csv</c> (<c>step,epoch,layer,kind,mean,std,zero_fraction,…</c>, one row per sampled step and module)
/// as one column per module and statistic, <c>&lt;module&gt;/&lt;statistic&gt;</c>; an empty cell (a statistic that does
/// not apply to the module) stays absent. The modules' kinds are kept in the order the file names them.
/// </summary>
sealed class ActivationRows : IRowFormat
{
    public const int FirstStatistic = 4;

    public static string Column(string module, string statistic) => $"{module}/{statistic}";

    public bool Accepts(string[] header) => header.Length > FirstStatistic && header is ["step", "epoch", "layer", "kind", ..];

    /// <summary>Each module with its kind, in the order of the file.</summary>
    public List<(string Module, string Kind)> Modules { get; } = [];

    public void Apply(string[] header, ReadOnlySpan<char> line, ReadOnlySpan<Range> cells, SeriesTable table)
    {
        var step = long.Parse(line[cells[0]], System.Globalization.CultureInfo.InvariantCulture);
        var module = line[cells[2]].ToString();
        if (!Modules.Exists(m => m.Module == module))
            Modules.Add((module, line[cells[3]].ToString()));
        for (var i = FirstStatistic; i < header.Length; i++)
        {
            if (!line[cells[i]].IsEmpty)
                table.Set(step, Column(module, header[i]), SeriesTable.Number(line[cells[i]]));
        }
    }
}
