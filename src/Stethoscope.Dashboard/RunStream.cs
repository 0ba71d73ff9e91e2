using System.Text.Json;
using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>One batch of a run's progress for the page: new metrics rows since the last batch, the run's status, and
/// the newest filter grid (a path inside the run with a version suffix, or null while there is none).</summary>
public sealed record RunUpdate(string Status, long Steps, IReadOnlyList<string>? Columns, IReadOnlyList<double?[]> Rows, bool Ended, string? Filters);

/// <summary>
/// Follows a run folder that may be being written: polls metrics.csv (whose half-written last line the reader skips)
/// and run.json, and yields only what is new. A finished run yields everything once and ends: the replay.
/// </summary>
public sealed class RunStream(RunFolder run, TimeSpan interval)
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
        var file = Directory.EnumerateFiles(run.Figures, "filters-*-live.png").Order(StringComparer.Ordinal).FirstOrDefault()
            ?? Directory.EnumerateFiles(run.Figures, "filters-*.png").Where(f => !f.Contains("-gradients", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault();
        return file is null ? null : $"figures/{Path.GetFileName(file)}?v={File.GetLastWriteTimeUtc(file).Ticks}";
    }

    string Status()
    {
        try
        {
            return RunManifest.Read(run.RunJson).Status.ToString().ToLowerInvariant();
        }
        catch (StethoscopeException)
        {
            return "running";
        }
    }

    (IReadOnlyList<string> Columns, List<double?[]> Rows) NewRows(long after)
    {
        if (!File.Exists(run.MetricsCsv) || new FileInfo(run.MetricsCsv).Length == 0)
            return ([], []);
        try
        {
            var metrics = MetricsCsv.Open(run.MetricsCsv);
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
