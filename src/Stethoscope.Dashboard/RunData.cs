using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>
/// What the dashboard keeps of one run in memory while the page looks at it: its metrics, evaluations, distributions
/// and activation statistics as tables that follow their files, and the index of its filter grids. Each is refreshed
/// (reading only what was appended) and read under its own lock.
/// </summary>
sealed class RunData(RunFolder run, RunCatalog catalog, DistributionRows distributionFormat, ActivationRows activationFormat)
{
    public RunFolder Run => run;

    public FollowedTable Metrics { get; } = new(run.MetricsCsv, catalog, new MetricsRows());

    public FollowedTable Eval { get; } = new(run.EvalCsv, catalog, new MetricsRows());

    /// <summary>The layers of the distributions, as the file names them.</summary>
    public DistributionRows DistributionFormat { get; } = distributionFormat;

    public FollowedTable Distributions { get; } = new(run.Distributions, catalog, distributionFormat);

    /// <summary>The modules of the activation statistics, with their kinds, as the file names them.</summary>
    public ActivationRows ActivationFormat { get; } = activationFormat;

    public FollowedTable Activations { get; } = new(Path.Combine(run.Root, ActivationsFile), catalog, activationFormat);

    public FilterFrames Filters { get; } = new(run, catalog);

    /// <summary>The activation statistics' file at the run folder's root (the contract with the activation probe).</summary>
    public const string ActivationsFile = "activations.csv";

    public FollowedTable? Table(string name) => name switch
    {
        "metrics" => Metrics,
        "eval" => Eval,
        "distributions" => Distributions,
        "activations" => Activations,
        _ => null,
    };

    /// <summary>Runs <paramref name="read"/> on <paramref name="table"/> refreshed, under its lock.</summary>
    public static T Read<T>(FollowedTable table, Func<SeriesTable, T> read)
    {
        lock (table)
            return read(table.Refresh().Table);
    }
}

/// <summary>The <see cref="RunData"/> of the runs looked at most recently: at most <see cref="Capacity"/> are kept, so
/// a page that visits a hundred runs holds memory for a few.</summary>
sealed class RunDataCache(RunCatalog catalog)
{
    public const int Capacity = 24;

    readonly Dictionary<string, (RunData Data, long Used)> runs = new(StringComparer.Ordinal);
    long clock;

    public RunData Of(RunFolder run)
    {
        lock (runs)
        {
            var data = runs.TryGetValue(run.Root, out var held) ? held.Data : new RunData(run, catalog, new DistributionRows(), new ActivationRows());
            runs[run.Root] = (data, ++clock);
            if (runs.Count > Capacity)
                runs.Remove(runs.MinBy(r => r.Value.Used).Key);
            return data;
        }
    }
}
