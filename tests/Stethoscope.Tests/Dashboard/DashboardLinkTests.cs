using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Stethoscope.Dashboard;

namespace Stethoscope.Tests.Dashboard;

/// <summary>Links are the way out of a runs folder that no path check sees: each is followed to its real path and refused
/// when that leaves the runs folder, and a hard link (which has no "real path" elsewhere) is refused outright.</summary>
public sealed class DashboardLinkTests : IDisposable
{
    readonly TempDirectory temp = new();

    public DashboardLinkTests()
    {
        // One training run, written outside the runs folder; the run inside is a copy of its two files.
        new LiveRun(temp["outside"], "elsewhere").Step(1);
        Directory.CreateDirectory(temp["runs/live"]);
        foreach (var name in new[] { "run.json", "metrics.csv" })
            File.Copy(Path.Combine(temp["outside/elsewhere"], name), Path.Combine(temp["runs/live"], name));
        File.WriteAllText(temp["outside/secret.txt"], "secret");
    }

    public void Dispose() => temp.Dispose();

    async Task<(HttpStatusCode Status, string Body)> Get(string path)
    {
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp["runs"], Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/runs/live/metrics.csv")).StatusCode);
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        // An event stream served by mistake never ends: its headers are enough to fail on.
        var streaming = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        return (response.StatusCode, streaming ? "(event stream)" : await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/runs/linked/metrics.csv")]
    [InlineData("/runs/linked/run.json")]
    [InlineData("/api/runs/linked/events")]
    public async Task A_run_folder_that_is_a_link_out_of_the_runs_folder_is_neither_listed_nor_served(string path)
    {
        Directory.CreateSymbolicLink(temp["runs/linked"], temp["outside/elsewhere"]);
        Assert.Equal((HttpStatusCode.NotFound, ""), await Get(path));
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp["runs"], Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address };
        var runs = JsonDocument.Parse(await client.GetStringAsync("/api/runs")).RootElement;
        Assert.Equal(["live"], runs.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_run_folder_that_is_a_link_to_another_run_inside_the_runs_folder_is_served()
    {
        Directory.CreateSymbolicLink(temp["runs/alias"], temp["runs/live"]);
        var (status, body) = await Get("/runs/alias/metrics.csv");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(File.ReadAllText(temp["runs/live/metrics.csv"]), body);
    }

    [Fact]
    public async Task A_directory_link_inside_a_run_that_points_out_of_the_runs_folder_is_not_followed()
    {
        Directory.CreateSymbolicLink(temp["runs/live/figures"], temp["outside"]);
        Assert.Equal((HttpStatusCode.NotFound, ""), await Get("/runs/live/figures/secret.txt"));
    }

    [Fact]
    public async Task A_hard_link_to_a_file_outside_the_runs_folder_is_not_served()
    {
        Assert.Equal(0, Link(temp["outside/secret.txt"], temp["runs/live/secret.txt"]));
        Assert.Equal((HttpStatusCode.NotFound, ""), await Get("/runs/live/secret.txt"));
    }

    [Fact]
    public async Task A_run_whose_run_json_is_a_hard_link_is_not_served()
    {
        File.Delete(temp["runs/live/run.json"]);
        Assert.Equal(0, Link(temp["outside/elsewhere/run.json"], temp["runs/live/run.json"]));
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp["runs"], Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/runs/live/metrics.csv")).StatusCode);
        Assert.Equal("[]", await client.GetStringAsync("/api/runs"));
    }

    [Fact]
    public async Task The_event_stream_does_not_read_a_metrics_csv_that_is_a_link_out_of_the_runs_folder()
    {
        File.Delete(temp["runs/live/metrics.csv"]);
        File.CreateSymbolicLink(temp["runs/live/metrics.csv"], temp["outside/elsewhere/metrics.csv"]);
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp["runs"], Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var stream = await client.GetStreamAsync("/api/runs/live/events");
        using var reader = new StreamReader(stream);
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && !line.StartsWith("data: ", StringComparison.Ordinal))
        {
        }
        var update = JsonDocument.Parse(line![6..]).RootElement;
        Assert.Equal(("running", 0), (update.GetProperty("status").GetString(), update.GetProperty("rows").GetArrayLength()));
    }

    // .NET makes symbolic links but not hard links.
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);
}
