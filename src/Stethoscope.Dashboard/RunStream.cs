using System.Text.Json;
using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>One batch of a run's progress for the page: new metrics rows since the last batch, the run's status, and
/// the newest filter grid (a path inside the run with a version suffix, or null while there is none).</summary>
public sealed record RunUpdate(string Status, long Steps, IReadOnlyList<string>? Columns, IReadOnlyList<double?[]> Rows, bool Ended, string? Filters);

/// <summary>
/// Follows a run folder that may be being written: polls metrics.csv (whose half-written last line the reader skips)
/// and run.json, and yields only what is new. A finished run yields everything once and ends: the replay. Each file is
/// read only where <paramref name="catalog"/> would serve it (a link out of the runs folder is read as missing).
/// </summary>
public sealed class RunStream(RunFolder run, TimeSpan interval, RunCatalog catalog)
{
    public const int MaxRowsPerUpdate = 2000;

    public async IAsyncEnumerable<RunUpdate> Follow([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
    {
        long sent = 0;
        var first = true;
        while (!cancel.IsCancellationRequested)
        {
            var status = Status();
            var (columns, rows) = NewRows(sent);
            var ended = status is not "running" && rows.Count < MaxRowsPerUpdate;
            if (rows.Count > 0 || first || ended)
            {
                sent = rows.Count > 0 ? (long)rows[^1][0]! : sent;
                yield return new RunUpdate(status, sent, first ? columns : null, rows, ended, FilterGrid());
                first = false;
            }
            if (ended)
                yield break;
            if (rows.Count < MaxRowsPerUpdate)
                await Task.Delay(interval, cancel).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The grid the training keeps up to date, or the one drawn after training.</summary>
    string? FilterGrid()
    {
        if (!Directory.Exists(run.Figures))
            return null;
        var file = Directory.EnumerateFiles(run.Figures, "filters-*-live.png").Where(Servable).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? Directory.EnumerateFiles(run.Figures, "filters-*.png").Where(f => !f.Contains("-gradients", StringComparison.Ordinal) && Servable(f)).Order(StringComparer.Ordinal).FirstOrDefault();
        return file is null ? null : $"figures/{Path.GetFileName(file)}?v={File.GetLastWriteTimeUtc(file).Ticks}";
    }

    bool Servable(string file) => catalog.PlainFile(file) is not null;

    string Status()
    {
        if (catalog.PlainFile(run.RunJson) is not { } runJson)
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

    (IReadOnlyList<string> Columns, List<double?[]> Rows) NewRows(long after)
    {
        if (catalog.PlainFile(run.MetricsCsv) is not { } csv || new FileInfo(csv).Length == 0)
            return ([], []);
        try
        {
            var metrics = MetricsCsv.Open(csv);
            var rows = metrics.Rows().Where(r => r.Step > after).Take(MaxRowsPerUpdate)
                .Select(r => (double?[])[r.Step, r.Epoch, .. r.Values.Select(v => float.IsFinite(v) ? (double?)v : null)]).ToList();
            return (["step", "epoch", .. metrics.Columns], rows);
        }
        catch (Data.DataFormatException)
        {
            return ([], []);
        }
    }

    public static string ServerSentEvent(RunUpdate update) =>
        $"event: update\ndata: {JsonSerializer.Serialize(update, Json)}\n\n";

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
