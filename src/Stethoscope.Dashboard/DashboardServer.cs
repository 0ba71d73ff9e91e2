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
/// The live dashboard (ASP.NET Core): <c>/</c> the page, <c>/api/runs</c> the runs, <c>/api/runs/NAME/events</c> a run's
/// progress as server-sent events (live while it trains, a replay when it has ended), and <c>/runs/NAME/…</c> the
/// files of a run folder — only those, never a path that leaves it.
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
        app.MapGet("/", () => Results.Content(Resource("index.html"), "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Results.Content(Resource("dashboard.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/api/runs", () => Results.Json(catalog.List()));
        app.MapGet("/api/runs/{name}/events", async (string name, HttpContext context) =>
        {
            if (catalog.Find(name) is not { } run)
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
                await foreach (var update in new RunStream(run, poll, catalog).Follow(context.RequestAborted))
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
        app.MapGet("/runs/{name}/{**path}", (string name, string path) =>
            catalog.FileIn(name, path) is { } file
                ? Results.File(file, ContentType(file), enableRangeProcessing: true)
                : Results.NotFound());
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
