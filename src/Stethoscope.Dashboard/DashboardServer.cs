using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stethoscope.Charts;
using Stethoscope.Report;
using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>Where and how the dashboard serves: the runs folder, the address (loopback unless said otherwise; port 0
/// picks a free one), how many live streams may be open at once, and how often a live run is polled.</summary>
public sealed record DashboardOptions(string Runs, string Host = DashboardOptions.Loopback, int Port = 5117, int MaxLiveConnections = 16, double PollSeconds = 0.5)
{
    public const string Loopback = "127.0.0.1";

    public bool IsLoopback => Host is Loopback or "localhost" or "::1";

    /// <summary>The address to bind; an <see cref="InvalidOptionException"/> names the option that is out of range.</summary>
    /// <remarks>Separate from starting, so that <c>train --dashboard</c> can refuse a bad value before it creates a run folder.</remarks>
    public IPAddress Validate()
    {
        if (!IPAddress.TryParse(Host == "localhost" ? Loopback : Host, out var ip))
            throw new InvalidOptionException($"--host '{Host}' is not an IP address (for example 127.0.0.1 or 0.0.0.0)");
        if (Port is < 0 or > 65535)
            throw new InvalidOptionException($"--port must be 0 (any free port) to 65535; got {Port}");
        if (MaxLiveConnections < 1)
            throw new InvalidOptionException($"--max-connections must be at least 1; got {MaxLiveConnections}");
        return ip;
    }
}

/// <summary>
/// The live dashboard (ASP.NET Core). The page: <c>/</c>, <c>/dashboard.js</c>, <c>/chart.js</c> (shared with the
/// report) and <c>/api/vocabulary</c> (<see cref="ChartVocabulary"/>). The runs: <c>/api/runs</c> (list with live steps
/// and test accuracy), <c>/api/labels?runs=A&amp;runs=B</c> (what differs). One run: <c>/api/runs/NAME</c>
/// (<see cref="RunDetail"/>), <c>…/events</c> (its progress as server-sent events, <see cref="RunUpdate"/>),
/// <c>…/series?table=metrics|eval|distributions|activations&amp;columns=A,smooth:B&amp;from=&amp;to=&amp;width=&amp;smooth=</c>
/// (an <see cref="Envelope"/> of the full data per pixel column), <c>…/rows?from=STEP&amp;count=N</c> (whole rows, for
/// the sound), <c>…/weights/LAYER?width=</c> (<see cref="WeightHeatmap"/>), <c>…/filters/LAYER/STEP</c> (a recorded
/// filter grid, PNG), <c>/runs/NAME/report</c> (its report page, drawn now) and <c>/runs/NAME/…</c> (the files of the
/// run folder — only those, never a path that leaves it).
/// </summary>
public sealed class DashboardServer : IAsyncDisposable, IDisposable
{
    readonly WebApplication app;

    DashboardServer(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<DashboardServer> StartAsync(DashboardOptions options, CancellationToken cancel = default)
    {
        var ip = options.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(ip, options.Port));
        var app = builder.Build();
        Map(app, new RunCatalog(options.Runs), new SemaphoreSlim(options.MaxLiveConnections), TimeSpan.FromSeconds(options.PollSeconds));
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new StethoscopeException($"cannot listen on {options.Host}:{options.Port} ({e.Message.Split('\n')[0].TrimEnd('.')})");
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)));
    }

    static void Map(WebApplication app, RunCatalog catalog, SemaphoreSlim live, TimeSpan poll)
    {
        var cache = new RunDataCache(catalog);
        RunData? Data(string name) => catalog.Find(name) is { } run ? cache.Of(run) : null;
        app.MapGet("/", () => Results.Content(Resource("index.html"), "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Results.Content(Resource("dashboard.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/" + ChartScript.FileName, () => Results.Content(ChartScript.Source, "text/javascript; charset=utf-8"));
        app.MapGet("/api/vocabulary", () => Results.Content(ChartVocabulary.Json, "application/json"));
        app.MapGet("/api/runs", () =>
        {
            var runs = catalog.List();
            // The page opens the newest run next: start reading its metrics now, while the page asks for its stream.
            if (runs.Count > 0 && catalog.Find(runs[0].Name) is { } newest)
                _ = Task.Run(() => RunData.Read(cache.Of(newest).Metrics, t => t.Count));
            return Results.Json(runs);
        });
        app.MapGet("/api/labels", (string[] runs) => Labels(catalog, runs));
        app.MapGet("/api/runs/{name}", (string name) =>
            Data(name) is { } data && Manifest(catalog, data.Run) is { } manifest ? Results.Json(RunDetail.Read(data, manifest, catalog)) : Results.NotFound());
        app.MapGet("/api/runs/{name}/series", (string name, string? table, string? columns, long? from, long? to, int? width, double? smooth) =>
            Data(name)?.Table(table ?? "metrics") is { } followed
                ? Results.Json(RunData.Read(followed, t => new
                {
                    first = t.FirstStep,
                    last = t.LastStep,
                    envelope = t.Envelope((columns ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries), from, to, width ?? 1000, smooth ?? ChartVocabulary.DefaultSmoothing),
                }))
                : Results.NotFound());
        app.MapGet("/api/runs/{name}/rows", (string name, long from, int? count) =>
        {
            if (Data(name) is not { } data)
                return Results.NotFound();
            var (columns, rows) = RunData.Read(data.Metrics, t => RunStream.Rows(t, SeriesEnvelope.LowerBound(t.Steps, from), count ?? RunStream.MaxRowsPerUpdate));
            return Results.Json(new { columns, rows });
        });
        app.MapGet("/api/runs/{name}/weights/{layer}", (string name, string layer, int? width) =>
            Data(name) is { } data && RunData.Read(data.Distributions, _ => data.DistributionFormat.Layers.Contains(layer))
                && catalog.PlainFile(data.Run.WeightSamples(layer)) is { } file && WeightHeatmap.Read(layer, file, width ?? 600) is { } heatmap
                ? Results.Json(heatmap)
                : Results.NotFound());
        app.MapGet("/api/runs/{name}/filters/{layer}/{step:long}", (string name, string layer, long step) =>
        {
            if (Data(name)?.Filters is not { } filters)
                return Results.NotFound();
            FilterFrame? frame;
            lock (filters)
                frame = filters.Refresh().Frames.LastOrDefault(f => f.Layer == layer && f.Step == step);
            return frame is not null && FilterFrames.Png(frame) is { } png ? Results.Bytes(png, "image/png") : Results.NotFound();
        });
        app.MapGet("/api/runs/{name}/events", async (string name, HttpContext context) =>
        {
            if (Data(name) is not { } data)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (!live.Wait(0))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("too many live connections");
                return;
            }
            try
            {
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers.CacheControl = "no-cache";
                await foreach (var update in new RunStream(data, poll, catalog).Follow(context.RequestAborted))
                {
                    await context.Response.WriteAsync(RunStream.ServerSentEvent(update), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // The browser went away.
            }
            finally
            {
                live.Release();
            }
        });
        app.MapGet("/runs/{name}/report", (string name) => Report(catalog, name));
        app.MapGet("/runs/{name}/{**path}", (string name, string path) =>
            catalog.FileIn(name, path) is { } file
                ? Results.File(file, ContentType(file), enableRangeProcessing: true)
                : Results.NotFound());
    }

    static RunManifest? Manifest(RunCatalog catalog, RunFolder run)
    {
        try
        {
            return catalog.PlainFile(run.RunJson) is { } file ? RunManifest.Read(file) : null;
        }
        catch (StethoscopeException)
        {
            return null;
        }
    }

    /// <summary>Labels for several runs by what differs between them, as <c>compare</c> names its lines.</summary>
    static IResult Labels(RunCatalog catalog, string[] names)
    {
        var manifests = names.Distinct().Select(n => catalog.Find(n) is { } run ? Manifest(catalog, run) : null).ToArray();
        if (manifests.Any(m => m is null))
            return Results.NotFound();
        var labels = RunLabels.Of([.. manifests.Select(m => m!)]);
        return Results.Json(names.Distinct().Zip(labels).ToDictionary(p => p.First, p => p.Second));
    }

    /// <summary>The run's report page as <c>report</c> would write it now, drawn from the run as it stands (a live run
    /// included), without writing anything; refused like any file when what it reads leads out of the runs folder.</summary>
    static IResult Report(RunCatalog catalog, string name)
    {
        if (catalog.Find(name) is not { } run)
            return Results.NotFound();
        var readable = FileEntry.Of(run.MetricsCsv).Kind == FileKind.Missing || catalog.PlainFile(run.MetricsCsv) is not null;
        var folders = new[] { run.Figures, run.Sound }.All(f => FileEntry.Of(f).Kind == FileKind.Missing || catalog.FolderInside(f));
        if (!readable || !folders)
            return Results.NotFound();
        try
        {
            return Results.Content(RunReport.Render(run), "text/html; charset=utf-8");
        }
        catch (Exception e) when (e is StethoscopeException or IOException)
        {
            return Results.Content($"<!DOCTYPE html><title>No report</title><p>{System.Net.WebUtility.HtmlEncode(e.Message)}</p>", "text/html; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".wav" => "audio/wav",
        ".html" => "text/html; charset=utf-8",
        ".csv" => "text/csv; charset=utf-8",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the dashboard's {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public Task WaitForShutdownAsync(CancellationToken cancel) => app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Stops serving, for callers that cannot await (a command's synchronous body).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
