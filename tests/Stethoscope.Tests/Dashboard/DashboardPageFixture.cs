using Microsoft.Playwright;
using SkiaSharp;
using Stethoscope.Dashboard;
using Stethoscope.Runs;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Dashboard;

/// <summary>
/// One runs folder, one server and one browser for all of <see cref="DashboardPageTests"/>: a real short training with
/// every file a run can have ("rich"; the activation statistics, verdicts and non-finite origin written as their
/// writers' contract says), a 100,000-step run with one spike and one NaN ("long", the newest), two runs that differ in
/// learning rate ("lr-low", "lr-high"), and 96 short ones: 100 runs.
/// </summary>
public sealed class DashboardPageFixture : IAsyncLifetime
{
    public const long Spike = 61_234;
    public const long NaNStep = 77_777;

    readonly TempDirectory temp = new();

    public DashboardServer Server { get; private set; } = null!;

    internal Browser Browser { get; private set; } = null!;

    public RunFolder Rich => new(temp["runs/rich"]);

    public async Task InitializeAsync()
    {
        var runs = temp["runs"];
        var (code, _, error) = Invoke("train", "--data", "synthetic:64", "--max-steps", "24", "--batch-size", "16", "--device", "cpu", "--quiet", "--sonify",
            "--distributions-every", "3", "--eval-every", "8", "--out", Rich.Root);
        Assert.True(code == 0, error);
        AddContractFiles(Rich);
        for (var i = 0; i < 96; i++)
            SyntheticRuns.Write(runs, $"short-{i:D2}", 50, minutesAgo: 30 + i);
        foreach (var (name, lr) in new[] { ("lr-low", 0.05), ("lr-high", 0.5) })
            WriteDistributions(SyntheticRuns.Write(runs, name, 400, learningRate: lr, minutesAgo: 10), lr);
        SyntheticRuns.Write(runs, "long", 100_000, SyntheticRuns.WithSpike(Spike, NaNStep));
        Server = await DashboardServer.StartAsync(new DashboardOptions(runs, Port: 0, PollSeconds: 0.2));
        Browser = await Browser.LaunchAsync();
    }

    /// <summary>What the activation probe, the diagnosis and the non-finite replay would add to a run.</summary>
    static void AddContractFiles(RunFolder run)
    {
        var rows = new List<string> { "step,epoch,layer,kind,mean,std,zero_fraction,dead_fraction,saturated_fraction" };
        for (var step = 1; step <= 21; step += 10)
        {
            rows.Add(FormattableString.Invariant($"{step},1,conv1,Conv2d,{0.01 * step},1,,,"));
            rows.Add(FormattableString.Invariant($"{step},1,relu1,ReLU,0.5,1,{0.3 + 0.01 * step},{0.01 * step},"));
        }
        File.WriteAllLines(Path.Combine(run.Root, "activations.csv"), rows);
        File.WriteAllText(Path.Combine(run.Root, "diagnosis.json"), """
            {"version": 1, "verdicts": [{"rule": "dead-units", "title": "Dead units", "layers": ["relu1"], "first_step": 11,
              "evidence": "21% of relu1's channels were zero for the whole batch", "values": {"dead_fraction": 0.21}, "suggestion": "lower the learning rate or use LeakyReLU"}]}
            """);
        var json = File.ReadAllText(run.RunJson).TrimEnd();
        File.WriteAllText(run.RunJson, json[..^1] + """
            , "non_finite_origin": {"step": 17, "pass": "backward", "module": "fc1", "parameter": "fc1.weight", "inputs_finite": true, "detail": "fc1.weight's gradient overflowed to infinity"}}
            """);
        using var bitmap = new SKBitmap(64, 64);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawCircle(32, 32, 12, new SKPaint { Color = SKColors.Red });
        }
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(run.Figures, "erf.png"), png.ToArray());
    }

    /// <summary>Weight distributions of four layers every 50 steps, wider for the larger learning rate.</summary>
    static void WriteDistributions(RunFolder run, double lr)
    {
        Directory.CreateDirectory(run.Weights);
        var buckets = string.Join(",", Enumerable.Range(0, Stethoscope.Probes.DistributionProbe.Buckets).Select(b => 15 - Math.Abs(b - 15) + 1));
        var lines = new List<string> { string.Join(",", DistributionLog.Columns) };
        for (var step = 50; step <= 400; step += 50)
        {
            foreach (var layer in new[] { "conv1", "conv2", "fc1", "fc2" })
                lines.Add(FormattableString.Invariant($"{step},{layer},weight,0,{lr},{-lr * step / 100},{lr * step / 100},0,0.001,{buckets}"));
        }
        File.WriteAllLines(run.Distributions, lines);
    }

    /// <summary>A new page of the dashboard, its console errors collected in <paramref name="errors"/>.</summary>
    internal async Task<IPage> Page(string path, List<string> errors)
    {
        var page = await Browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add($"{message.Text} ({message.Location})");
        };
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(Server.Address, path).AbsoluteUri);
        return page;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
        temp.Dispose();
    }
}
