using System.Net;
using System.Text.Json;
using Spectre.Console.Testing;
using Stethoscope.Cli.Commands;
using Stethoscope.Cli.Output;
using Stethoscope.Dashboard;

namespace Stethoscope.Tests.Dashboard;

public class DashboardServerTests
{
    static async Task<List<JsonElement>> Updates(HttpClient client, string run, int count, Action<int>? afterEach = null)
    {
        using var stream = await client.GetStreamAsync($"/api/runs/{run}/events");
        using var reader = new StreamReader(stream);
        var updates = new List<JsonElement>();
        while (updates.Count < count && await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
                continue;
            updates.Add(JsonDocument.Parse(line[6..]).RootElement.Clone());
            afterEach?.Invoke(updates.Count);
        }
        return updates;
    }

    [Fact]
    public async Task A_run_being_written_is_followed_step_by_step_skipping_the_half_written_line()
    {
        using var temp = new TempDirectory();
        var live = new LiveRun(temp.Path, "live");
        live.Step(1);
        live.Step(2, halfWrittenAfter: true);
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0, PollSeconds: 0.05));
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var runs = JsonDocument.Parse(await client.GetStringAsync("/api/runs")).RootElement;
        Assert.Equal("live", runs[0].GetProperty("name").GetString());
        Assert.Equal("running", runs[0].GetProperty("status").GetString());
        var updates = await Updates(client, "live", 3, count =>
        {
            if (count == 1)
            {
                live.Step(3);
            }
            else if (count == 2)
            {
                live.Finish();
            }
        });
        Assert.Equal([1, 2], updates[0].GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt32()));
        Assert.Equal("step", updates[0].GetProperty("columns")[0].GetString());
        // Step 3's first characters were on disk with step 2; they were sent only once the line was whole.
        var later = updates.Skip(1).SelectMany(u => u.GetProperty("rows").EnumerateArray()).ToArray();
        Assert.All(later, r => Assert.True(r[0].GetInt32() > 2));
        Assert.Equal(JsonValueKind.Null, later.Last()[8].ValueKind); // a NaN norm travels as null
        Assert.True(updates[^1].GetProperty("ended").GetBoolean());
        Assert.Equal("completed", updates[^1].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("/runs/live/..%2f..%2fsecret.txt")]
    [InlineData("/runs/live/%2e%2e/%2e%2e/secret.txt")]
    [InlineData("/runs/live/..%5c..%5csecret.txt")]
    [InlineData("/runs/..%2flive/run.json")]
    [InlineData("/runs/live/%2fetc%2fpasswd")]
    [InlineData("/runs/nothing/run.json")]
    [InlineData("/api/runs/..%2f/events")]
    public async Task Paths_that_leave_a_run_folder_are_not_served(string path)
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp["secret.txt"], "secret");
        new LiveRun(temp["runs"], "live").Step(1);
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp["runs"], Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address };
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/runs/live/metrics.csv")).StatusCode);
        Assert.Contains("<title>Stethoscope dashboard</title>", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Live_streams_are_bounded()
    {
        using var temp = new TempDirectory();
        new LiveRun(temp.Path, "live").Step(1);
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0, MaxLiveConnections: 1));
        using var client = new HttpClient { BaseAddress = server.Address };
        using var first = await client.GetAsync("/api/runs/live/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var second = await client.GetAsync("/api/runs/live/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
    }

    [Fact]
    public void Loopback_is_the_default_and_another_host_is_warned_about()
    {
        using var temp = new TempDirectory();
        Assert.Equal("127.0.0.1", new DashboardOptions(temp.Path).Host);
        var output = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        using (var server = DashboardCommand.Start(new DashboardOptions(temp.Path, "0.0.0.0", Port: 0), new Terminal(output, error)))
            Assert.StartsWith("http://127.0.0.1:", server.Address.ToString());
        Assert.StartsWith("warning: --host 0.0.0.0: the dashboard and every file of your runs can be read from other machines", error.Output);
        Assert.Contains("is not an IP address", Assert.Throws<InvalidOptionException>(() => DashboardCommand.Start(new DashboardOptions(temp.Path, "example.org", Port: 0), new Terminal(output, error))).Message);
    }
}

public class TrainWithDashboardTests
{
    [Fact]
    public void Train_serves_the_dashboard_beside_training_and_stops_it_after()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = Cli.CliInvocation.Invoke("train", "--data", "synthetic:32", "--max-steps", "2", "--device", "cpu", "--quiet", "--dashboard", "--port", "0", "--out", temp["run"]);
        Assert.Equal((0, ""), (code, error));
        Assert.Matches($@"^dashboard: http://127\.0\.0\.1:\d+/ \(runs from {System.Text.RegularExpressions.Regex.Escape(temp.Path)}\)", output);
        var address = output.Split(' ')[1];
        using var client = new HttpClient();
        Assert.ThrowsAny<HttpRequestException>(() => client.GetAsync(address).GetAwaiter().GetResult());
    }
}
