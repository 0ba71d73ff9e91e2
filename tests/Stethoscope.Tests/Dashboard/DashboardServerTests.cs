using System.Net;
using System.Text.Json;
using Spectre.Console.Testing;
using Stethoscope.Cli.Commands;
using Stethoscope.Cli.Output;
using Stethoscope.Dashboard;
using Stethoscope.Runs;

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
        // The first update carries the newest whole row only (the page draws history from envelopes, not rows).
        Assert.Equal([2], updates[0].GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt32()));
        Assert.Equal("step", updates[0].GetProperty("columns")[0].GetString());
        // Step 3's first characters were on disk with step 2; they were sent only once the line was whole.
        var later = updates.Skip(1).SelectMany(u => u.GetProperty("rows").EnumerateArray()).ToArray();
        Assert.Equal([3], later.Select(r => r[0].GetInt32()));
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
    public async Task The_run_list_shows_the_newest_step_and_test_accuracy_while_run_json_still_says_0_steps()
    {
        using var temp = new TempDirectory();
        var run = SyntheticRuns.Write(temp.Path, "live", 158, status: Stethoscope.Training.RunStatus.Running);
        File.WriteAllText(run.EvalCsv, "step,epoch,test_loss,test_accuracy\n100,1,0.5,0.875\n150,1,0.4,0.9");
        Assert.Equal(0, RunManifest.Read(run.RunJson).Steps);
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address };
        var entry = JsonDocument.Parse(await client.GetStringAsync("/api/runs")).RootElement[0];
        // eval.csv's last line is half-written: the last whole one counts.
        Assert.Equal(("running", 158, 0.875), (entry.GetProperty("status").GetString(), entry.GetProperty("steps").GetInt32(), entry.GetProperty("testAccuracy").GetDouble()));
        File.AppendAllText(run.MetricsCsv, SyntheticRuns.Declining(159) + "\n");
        entry = JsonDocument.Parse(await client.GetStringAsync("/api/runs")).RootElement[0];
        Assert.Equal(159, entry.GetProperty("steps").GetInt32());
    }

    [Fact]
    public async Task A_run_report_link_serves_the_report_drawn_now_and_its_figures()
    {
        using var temp = new TempDirectory();
        var run = SyntheticRuns.Write(temp.Path, "live", 20, status: Stethoscope.Training.RunStatus.Running);
        Directory.CreateDirectory(run.Figures);
        File.WriteAllBytes(Path.Combine(run.Figures, "erf.png"), [0x89, 0x50, 0x4E, 0x47]);
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address };
        var html = await client.GetStringAsync("/runs/live/report");
        Assert.Contains("<h1>live</h1>", html);
        Assert.Contains("src=\"figures/erf.png\"", html);
        Assert.False(File.Exists(Path.Combine(run.Root, "index.html")));
        // The page's relative links resolve beside it.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/runs/live/figures/erf.png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/runs/none/report")).StatusCode);
    }

    [Fact]
    public async Task A_100000_step_run_is_served_as_an_envelope_that_keeps_its_spike_and_marks_its_NaN_and_zooms_to_exact_steps()
    {
        using var temp = new TempDirectory();
        SyntheticRuns.Write(temp.Path, "long", 100_000, SyntheticRuns.WithSpike(61_234, 77_777));
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address };
        var text = await client.GetStringAsync("/api/runs/long/series?columns=loss,smooth:loss,grad_norm/conv1&width=1000");
        // Every step is in it, yet it is far smaller than the 8 MB metrics.csv.
        Assert.InRange(text.Length, 10_000, 400_000);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal((1, 100_000), (body.GetProperty("first").GetInt32(), body.GetProperty("last").GetInt32()));
        var envelope = body.GetProperty("envelope");
        Assert.Equal(100_000, envelope.GetProperty("rows").GetInt32());
        Assert.Equal(1000, envelope.GetProperty("steps").GetArrayLength());
        var loss = envelope.GetProperty("series").GetProperty("loss");
        Assert.Equal(1000, loss.GetProperty("high").EnumerateArray().Max(v => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0));
        Assert.Equal([77_777], loss.GetProperty("bad").EnumerateArray().Select(b => b.GetProperty("step").GetInt32()));
        Assert.Equal([77_777], envelope.GetProperty("series").GetProperty("grad_norm/conv1").GetProperty("bad").EnumerateArray().Select(b => b.GetProperty("step").GetInt32()));
        var zoomed = JsonDocument.Parse(await client.GetStringAsync("/api/runs/long/series?columns=loss&width=1000&from=61230&to=61239")).RootElement.GetProperty("envelope");
        Assert.Equal(Enumerable.Range(61_230, 10), zoomed.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(1000, zoomed.GetProperty("series").GetProperty("loss").GetProperty("low")[4].GetDouble());
        var rows = JsonDocument.Parse(await client.GetStringAsync("/api/runs/long/rows?from=99999&count=5")).RootElement;
        Assert.Equal([99_999, 100_000], rows.GetProperty("rows").EnumerateArray().Select(r => r[0].GetInt32()));
    }

    [Fact]
    public async Task A_run_detail_names_its_distributions_activations_verdicts_and_non_finite_origin()
    {
        using var temp = new TempDirectory();
        var run = SyntheticRuns.Write(temp.Path, "rich", 20);
        Directory.CreateDirectory(run.Weights);
        var buckets = string.Join(",", Enumerable.Repeat("1", Stethoscope.Probes.DistributionProbe.Buckets));
        File.WriteAllText(run.Distributions, string.Join(",", DistributionLog.Columns) + "\n" +
            $"10,conv1,weight,0,1,-1,1,0,0.002,{buckets}\n10,conv1,gradient,0,1,-2,2,0,,{buckets}\n20,conv1,weight,0,1,-1,3,0,0.001,{buckets}\n");
        File.WriteAllText(run.WeightSamples("conv1"), "step,epoch,w0,w1\n10,1,0.5,-0.25\n20,1,NaN,0.125\n");
        File.WriteAllText(Path.Combine(run.Root, "activations.csv"), "step,epoch,layer,kind,mean,std,zero_fraction,dead_fraction,saturated_fraction\n" +
            "1,1,relu1,ReLU,0.5,1,0.25,0,\n1,1,tanh,Tanh,0,0.5,,,0.125\n11,1,relu1,ReLU,0.4,1,0.5,0.1,\n11,1,tanh,Tanh,0,0.6,,,0.25\n");
        File.WriteAllText(Path.Combine(run.Root, "diagnosis.json"), """
            {"version": 1, "verdicts": [{"rule": "dead-units", "title": "Dead units", "layers": ["relu1"], "first_step": 11,
              "evidence": "10% of relu1's units were zero for the whole batch", "values": {"dead_fraction": 0.1}, "suggestion": "lower the learning rate"}]}
            """);
        File.WriteAllText(run.RunJson, File.ReadAllText(run.RunJson).TrimEnd().TrimEnd('}') +
            ", \"non_finite_origin\": {\"step\": 17, \"pass\": \"backward\", \"module\": \"fc1\", \"parameter\": \"fc1.weight\", \"inputs_finite\": true, \"detail\": \"fc1's weight gradient overflowed\"}}");
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0));
        using var client = new HttpClient { BaseAddress = server.Address };
        var detail = JsonDocument.Parse(await client.GetStringAsync("/api/runs/rich")).RootElement;
        var verdict = Assert.Single(detail.GetProperty("verdicts").EnumerateArray());
        Assert.Equal(("dead-units", 11, "lower the learning rate"), (verdict.GetProperty("rule").GetString(), verdict.GetProperty("firstStep").GetInt32(), verdict.GetProperty("suggestion").GetString()));
        var origin = detail.GetProperty("nonFiniteOrigin");
        Assert.Equal((17, "backward", "fc1.weight"), (origin.GetProperty("step").GetInt32(), origin.GetProperty("pass").GetString(), origin.GetProperty("parameter").GetString()));
        var layer = Assert.Single(detail.GetProperty("distributions").EnumerateArray());
        Assert.Equal(9, layer.GetProperty("weight").GetArrayLength());
        Assert.Equal(["conv1"], detail.GetProperty("weightLayers").EnumerateArray().Select(l => l.GetString()));
        var modules = detail.GetProperty("activations").EnumerateArray().ToArray();
        Assert.Equal(["relu1", "tanh"], modules.Select(m => m.GetProperty("module").GetString()));
        Assert.Equal(["mean", "std", "saturated_fraction"], modules[1].GetProperty("statistics").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["dead-units"], JsonDocument.Parse(await client.GetStringAsync("/api/runs")).RootElement[0].GetProperty("verdicts").EnumerateArray().Select(v => v.GetString()));

        // Uniform buckets from -1 to 3: the median is 1; the maximum 3 at step 20.
        var bands = JsonDocument.Parse(await client.GetStringAsync($"/api/runs/rich/series?table=distributions&columns={layer.GetProperty("weight")[4].GetString()},{layer.GetProperty("weight")[8].GetString()},update_ratio/conv1&width=10")).RootElement.GetProperty("envelope").GetProperty("series");
        Assert.Equal([0.0, 1.0], bands.GetProperty("weight/conv1/p50").GetProperty("low").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 5)));
        Assert.Equal([1f, 3f], bands.GetProperty("weight/conv1/p100").GetProperty("high").EnumerateArray().Select(v => v.GetSingle()));
        Assert.Equal([0.002f, 0.001f], bands.GetProperty("update_ratio/conv1").GetProperty("low").EnumerateArray().Select(v => v.GetSingle()));
        var activations = JsonDocument.Parse(await client.GetStringAsync("/api/runs/rich/series?table=activations&columns=tanh/saturated_fraction,tanh/zero_fraction&width=10")).RootElement.GetProperty("envelope").GetProperty("series");
        Assert.Equal([0.125f, 0.25f], activations.GetProperty("tanh/saturated_fraction").GetProperty("low").EnumerateArray().Select(v => v.GetSingle()));
        Assert.False(activations.TryGetProperty("tanh/zero_fraction", out _)); // not applicable: absent, not NaN

        var weights = JsonDocument.Parse(await client.GetStringAsync("/api/runs/rich/weights/conv1")).RootElement;
        var values = MemoryMarshalFloats(Convert.FromBase64String(weights.GetProperty("values").GetString()!));
        Assert.Equal([10L, 20L], weights.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(2, weights.GetProperty("weights").GetInt32());
        Assert.Equal([0.5f, -0.25f, float.NaN, 0.125f], values);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/runs/rich/weights/..%2f..%2frich%2fmetrics")).StatusCode);
    }

    static float[] MemoryMarshalFloats(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();

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
    public async Task Train_serves_the_dashboard_beside_training_and_after_it_until_interrupted()
    {
        using var temp = new TempDirectory();
        var output = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var settings = new TrainCommand.Settings("mnist-net", "synthetic:32", new Stethoscope.Training.TrainingOptions { MaxSteps = 2, Epochs = null, Device = Stethoscope.Training.DeviceChoice.Cpu },
            temp["run"], temp.Path, Quiet: true, DistributionsEvery: 0, Dashboard: new DashboardOptions(temp.Path, Port: 0));
        using var interrupt = new CancellationTokenSource();
        var training = Task.Run(() => TrainCommand.Run(settings, new Terminal(output, error), interrupt.Token));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!output.Output.Contains("until Ctrl-C", StringComparison.Ordinal) && !training.IsCompleted && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.False(training.IsCompleted, error.Output);
        Assert.Matches($@"^dashboard: http://127\.0\.0\.1:\d+/ \(runs from {System.Text.RegularExpressions.Regex.Escape(temp.Path)}\)", output.Output);
        var address = output.Output.Split(' ')[1];
        Assert.Contains($"dashboard: training has ended; the dashboard keeps serving at {address} until Ctrl-C", output.Output);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var runs = JsonDocument.Parse(await client.GetStringAsync(address + "api/runs")).RootElement;
        Assert.Equal(("run", "completed", 2), (runs[0].GetProperty("name").GetString(), runs[0].GetProperty("status").GetString(), runs[0].GetProperty("steps").GetInt32()));
        await interrupt.CancelAsync();
        Assert.Equal(0, await training.WaitAsync(TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(address));
    }
}
