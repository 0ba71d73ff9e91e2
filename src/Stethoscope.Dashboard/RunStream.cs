using System.Text.Json;
using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>
/// One batch of a run's progress for the page: its status and newest step, the metrics rows new since the last batch
/// (the first batch carries only the newest row, and <see cref="Columns"/>), whether the run has ended, the newest
/// filter grid (a path inside the run with a version suffix, or null), and a version of the run's other files
/// (evaluations, distributions, activations, filter frames, verdicts, figures, sounds) that changes whenever one does,
/// so the page refetches those only then.
/// </summary>
public sealed record RunUpdate(string Status, long Steps, IReadOnlyList<string>? Columns, IReadOnlyList<double?[]> Rows, bool Ended, string? Filters, long Files);

/// <summary>
/// Follows a run folder that may be being written: polls its files, reading only what was appended (a half-written
/// last line waits), and yields what is new. A finished run yields one batch and ends. Each file is read only where
/// the catalog would serve it (a link out of the runs folder is read as missing).
/// </summary>
public sealed class RunStream
{
    public const int MaxRowsPerUpdate = 2000;

    readonly RunData data;
    readonly TimeSpan interval;
    readonly RunCatalog catalog;

    internal RunStream(RunData data, TimeSpan interval, RunCatalog catalog) => (this.data, this.interval, this.catalog) = (data, interval, catalog);

    RunFolder Run => data.Run;

    public async IAsyncEnumerable<RunUpdate> Follow([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        long? sent = null;
        long files = -1;
        while (!cancel.IsCancellationRequested)
        {
            var status = Status();
            var (columns, rows, last) = RunData.Read(data.Metrics, t => NewRows(t, sent));
            var ended = status is not "running" && rows.Count < MaxRowsPerUpdate;
            var version = FilesVersion();
            if (rows.Count > 0 || sent is null || ended || version != files)
            {
                yield return new RunUpdate(status, last ?? 0, sent is null ? columns : null, rows, ended, FilterGrid(), version);
                sent = last ?? 0;
                files = version;
            }
            if (ended)
                yield break;
            if (rows.Count < MaxRowsPerUpdate)
                await Task.Delay(interval, cancel).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The rows after step <paramref name="after"/> (only the newest when null), at most <see cref="MaxRowsPerUpdate"/>.</summary>
    static (IReadOnlyList<string> Columns, List<double?[]> Rows, long? Last) NewRows(SeriesTable table, long? after)
    {
        var start = after is { } a ? Charts.SeriesEnvelope.LowerBound(table.Steps, a + 1) : Math.Max(0, table.Count - 1);
        var (columns, rows) = Rows(table, start, MaxRowsPerUpdate);
        return (columns, rows, rows.Count > 0 ? (long)rows[^1][0]! : after ?? table.LastStep);
    }

    /// <summary>Up to <paramref name="count"/> whole rows from row <paramref name="start"/>: the step, then every column
    /// (a non-finite value as null), as the page's sound reads them.</summary>
    internal static (IReadOnlyList<string> Columns, List<double?[]> Rows) Rows(SeriesTable table, int start, int count)
    {
        var end = Math.Min(table.Count, start + Math.Clamp(count, 0, MaxRowsPerUpdate));
        var rows = new List<double?[]>(Math.Max(0, end - start));
        for (var i = start; i < end; i++)
            rows.Add([table.Steps[i], .. table.Columns.Select(c => table.Value(i, c) is var v && float.IsFinite(v) ? (double?)v : null)]);
        return (["step", .. table.Columns], rows);
    }

    /// <summary>A number that changes when any of the run's files besides metrics.csv does (their sizes and times).</summary>
    long FilesVersion()
    {
        long version = 17;
        foreach (var path in new[] { Run.EvalCsv, Run.Distributions, Path.Combine(Run.Root, RunData.ActivationsFile), Path.Combine(Run.Root, RunDetail.DiagnosisFile), Run.RunJson })
            version = version * 31 + Stamp(path);
        foreach (var folder in new[] { Run.TensorBoardFilters, Run.Figures, Run.Sound })
        {
            if (catalog.FolderInside(folder))
                version = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Aggregate(version, (v, f) => v * 31 + Stamp(f));
        }
        return version;
    }

    static long Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length ^ info.LastWriteTimeUtc.Ticks : 0;
    }

    /// <summary>The grid the training keeps up to date, or the one drawn after training.</summary>
    string? FilterGrid()
    {
        if (!catalog.FolderInside(Run.Figures))
            return null;
        var file = Directory.EnumerateFiles(Run.Figures, "filters-*-live.png").Where(Servable).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? Directory.EnumerateFiles(Run.Figures, "filters-*.png").Where(f => !f.Contains("-gradients", StringComparison.Ordinal) && Servable(f)).Order(StringComparer.Ordinal).FirstOrDefault();
        return file is null ? null : $"figures/{Path.GetFileName(file)}?v={File.GetLastWriteTimeUtc(file).Ticks}";
    }

    bool Servable(string file) => catalog.PlainFile(file) is not null;

    string Status()
    {
        if (catalog.PlainFile(Run.RunJson) is not { } runJson)
            return "running";
        try
        {
            return RunManifest.Read(runJson).Status.ToString().ToLowerInvariant();
        }
        catch (StethoscopeException)
        {
            return "running";
        }
    }

    public static string ServerSentEvent(RunUpdate update) =>
        $"event: update\ndata: {JsonSerializer.Serialize(update, Json)}\n\n";

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
