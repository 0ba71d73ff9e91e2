using Microsoft.Playwright;
using Stethoscope.Dashboard;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Dashboard;

public class BrowserTests
{
    static List<string> ConsoleErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add($"{message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    [Fact]
    public async Task The_report_page_loads_every_image_and_the_audio_from_the_file_system()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, Invoke("train", "--data", "synthetic:64", "--max-steps", "5", "--batch-size", "16", "--device", "cpu", "--quiet", "--sonify", "--distributions-every", "2", "--out", temp["run"]).Code);
        Assert.Equal(0, Invoke("plot", temp["run"]).Code);
        Assert.Equal(0, Invoke("report", temp["run"]).Code);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        var errors = ConsoleErrors(page);
        await page.GotoAsync(new Uri(Path.Combine(temp["run"], "index.html")).AbsoluteUri);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var images = await page.EvaluateAsync<int[]>("() => [...document.images].map(i => i.complete ? i.naturalWidth : 0)");
        // Every figure plot drew (curves, norms, distributions, heat maps, update ratios, activations) is on the page.
        Assert.Equal(Directory.GetFiles(Path.Combine(temp["run"], "figures"), "*.png").Length, images.Length);
        Assert.True(images.Length >= 6);
        Assert.All(images, width => Assert.True(width > 0));
        Assert.Equal("sound/gradient-norms.wav", await page.GetAttributeAsync("audio#sound", "src"));
        var duration = await page.EvaluateAsync<double>("() => new Promise(r => { const a = document.getElementById('sound'); a.readyState > 0 ? r(a.duration) : a.onloadedmetadata = () => r(a.duration); })");
        Assert.Equal(5 * 2646 / 44100.0, duration, 2);
        Directory.CreateDirectory(Browser.Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Screenshots, "report.png") });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_dashboard_follows_a_live_run_and_starts_its_sound()
    {
        using var temp = new TempDirectory();
        var live = new LiveRun(temp.Path, "live");
        live.Step(1);
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0, PollSeconds: 0.1));
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 1000 } });
        var errors = ConsoleErrors(page);
        await page.GotoAsync(new Uri(server.Address, "/?run=live").AbsoluteUri);
        await page.WaitForFunctionAsync("() => document.getElementById('step').textContent === '1'");
        var before = await page.EvaluateAsync<string>("() => document.getElementById('norms').toDataURL()");
        live.Step(2);
        live.Step(3);
        await page.WaitForFunctionAsync("() => Number(document.getElementById('step').textContent) >= 3", null, new PageWaitForFunctionOptions { Timeout = 15000 });
        // The curves are redrawn from the server's envelope about once a second while a run streams.
        await page.WaitForFunctionAsync("before => document.getElementById('norms').toDataURL() !== before", before, new PageWaitForFunctionOptions { Timeout = 15000 });
        Assert.Contains("running", await page.TextContentAsync("#runs"));
        await page.ClickAsync("#play");
        await page.WaitForFunctionAsync("() => document.getElementById('sound-state').textContent.startsWith('sound on (running)')", null, new PageWaitForFunctionOptions { Timeout = 10000 });
        live.Step(4);
        live.Finish();
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent === 'completed'", null, new PageWaitForFunctionOptions { Timeout = 15000 });
        Directory.CreateDirectory(Browser.Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Screenshots, "dashboard.png") });
        Assert.Empty(errors);
    }
}
