using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Stethoscope.Tests.Dashboard;

/// <summary>The dashboard page in Chromium, on the runs of <see cref="DashboardPageFixture"/>.</summary>
public sealed class DashboardPageTests(DashboardPageFixture runs, ITestOutputHelper output) : IClassFixture<DashboardPageFixture>
{
    static readonly PageWaitForFunctionOptions Patient = new() { Timeout = 60_000, PollingInterval = 100 };

    /// <summary>Waits for <paramref name="condition"/>; on a timeout fails with what the page had, to tell why.</summary>
    static async Task Until(IPage page, string condition, object? argument = null)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, argument, Patient);
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<string>("""
                () => JSON.stringify({ state: StethoscopeDashboard.state(), timing: StethoscopeDashboard.timing,
                  charts: Object.fromEntries(Object.entries(StethoscopeDashboard.charts).map(([k, c]) => [k, c.model ? c.model.series.length : null])),
                  panels: Object.fromEntries(Object.entries(StethoscopeDashboard.panels).map(([k, p]) => [k, p.map(x => !!x.chart.model)])),
                  filter: [document.getElementById('filter-image').getAttribute('src'), document.getElementById('filter-image').naturalWidth],
                  text: document.querySelector('main').innerText.slice(0, 400) })
                """);
            Assert.Fail($"waited 60 s for {condition}; the page had {state}");
        }
    }

    /// <summary>Where step <paramref name="step"/> at value <paramref name="value"/> lies on a chart, in page and canvas pixels.</summary>
    static async Task<(float X, float Y, int CanvasX, int CanvasY)> Point(IPage page, string chart, long step, double? value = null)
    {
        var p = await page.EvaluateAsync<double[]>($$"""
            ([step, value]) => {
              const c = StethoscopeDashboard.charts.{{chart}}, r = c.canvas.getBoundingClientRect();
              const cx = c.x(step), cy = value === null ? c.margin.top + c.height / 2 : c.y(c.model.log ? Math.log10(value) : value);
              return [r.left + cx * r.width / c.canvas.width, r.top + cy * r.height / c.canvas.height, cx, cy];
            }
            """, new object?[] { step, value });
        return ((float)p[0], (float)p[1], (int)Math.Round(p[2]), (int)Math.Round(p[3]));
    }

    /// <summary>The colours drawn in a small square of a canvas, as "r,g,b" strings.</summary>
    static async Task<string[]> Colours(IPage page, string canvas, int x, int y, int radius) =>
        await page.EvaluateAsync<string[]>("""
            ([id, x, y, radius]) => {
              const d = document.getElementById(id).getContext('2d').getImageData(x - radius, y - radius, 2 * radius + 1, 2 * radius + 1).data, colours = new Set();
              for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0) colours.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
              return [...colours];
            }
            """, new object[] { canvas, x, y, radius });

    static bool Reddish(string rgb) => rgb.Split(',').Select(int.Parse).ToArray() is [var r, var g, var b] && r > 180 && g < 120 && b < 120;

    [Fact]
    public async Task The_newest_of_100_runs_opens_first_and_its_100000_steps_keep_a_single_spike_and_a_NaN_visible()
    {
        var errors = new List<string>();
        var page = await runs.Page("/", errors);
        await Until(page, "() => StethoscopeDashboard.timing.firstPaint !== null");
        // performance.now() counts from the start of navigation: the time to the first drawn loss curve.
        var timing = await page.EvaluateAsync<JsonElement>("() => StethoscopeDashboard.timing");
        var firstPaint = timing.GetProperty("firstPaint").GetDouble();
        var line = $"first paint of the 100,000-step run among 100 runs: {firstPaint:F0} ms (first stream update at {timing.GetProperty("firstEvent").GetDouble():F0} ms)";
        output.WriteLine(line);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "dashboard-first-paint.txt"), line + "\n");
        // 2 s is the aim on an idle 2-core machine; tests share theirs with other work, so only a gross regression fails.
        Assert.InRange(firstPaint, 1, 20_000);
        Assert.Equal("long", await page.TextContentAsync("#title"));
        Assert.Equal(100, await page.Locator("#runs li").CountAsync());
        await Until(page, "() => document.querySelector('#runs li button.selected') !== null");

        // At full zoom-out one pixel column holds about a hundred steps: the spike is drawn at its step, at its height.
        var width = await page.EvaluateAsync<int>("() => StethoscopeDashboard.charts.loss.model.series[0].data.steps.length");
        Assert.InRange(width, 500, 1100);
        var spike = await Point(page, "loss", DashboardPageFixture.Spike, 1000);
        var blue = await Colours(page, "loss", spike.CanvasX, spike.CanvasY, 2);
        Assert.Contains(blue, c => c.Split(',').Select(int.Parse).ToArray() is [var r, var g, var b] && b > r + 40 && b > 150);
        var nan = await Point(page, "loss", DashboardPageFixture.NaNStep);
        var top = await page.EvaluateAsync<int>("() => StethoscopeDashboard.charts.loss.margin.top");
        Assert.Contains(await Colours(page, "loss", nan.CanvasX, top + 2, 2), Reddish);
        Assert.Contains(await Colours(page, "norms", nan.CanvasX, top + 2, 2), Reddish);

        // Hover names the steps of the column and their exact values (the mouse lands on whole pixels: try either side).
        var tips = new List<string>();
        foreach (var dx in new[] { 0f, -1f, 1f, -2f, 2f })
        {
            await page.Mouse.MoveAsync(spike.X + dx, spike.Y);
            await Until(page, "() => !document.getElementById('tooltip').hidden");
            tips.Add((await page.TextContentAsync("#tooltip"))!);
        }
        Assert.All(tips, tip => Assert.StartsWith("steps ", tip));
        Assert.Contains(tips, tip => tip.Contains("… 1000 (", StringComparison.Ordinal));

        // Dragging zooms: the server cuts the new range from the full data, down to single steps.
        var from = await Point(page, "loss", DashboardPageFixture.Spike - 400);
        var to = await Point(page, "loss", DashboardPageFixture.Spike + 400);
        await page.Mouse.MoveAsync(from.X, from.Y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((from.X + to.X) / 2, from.Y, new MouseMoveOptions { Steps = 3 });
        await page.Mouse.MoveAsync(to.X, to.Y, new MouseMoveOptions { Steps = 3 });
        await page.Mouse.UpAsync();
        await Until(page, $"() => StethoscopeDashboard.charts.loss.model.from > {DashboardPageFixture.Spike - 1000}");
        // The pixel column holding the spike now holds that step alone (the range is narrower than the chart).
        var zoomed = await page.EvaluateAsync<JsonElement>("spike => { const m = StethoscopeDashboard.charts.loss.model, d = m.series[0].data, i = d.steps.findIndex((s, k) => s <= spike && spike <= d.through[k]); return [m.from, m.to, i < 0 ? null : d.steps[i], i < 0 ? null : d.through[i], i < 0 ? null : d.high[i]]; }", DashboardPageFixture.Spike);
        Assert.True(zoomed[1].GetInt64() - zoomed[0].GetInt64() < 912, zoomed.ToString());
        Assert.Equal($"[{DashboardPageFixture.Spike},{DashboardPageFixture.Spike},1000]", $"[{zoomed[2]},{zoomed[3]},{zoomed[4]}]");
        var exact = await Point(page, "loss", DashboardPageFixture.Spike, 1000);
        tips.Clear();
        foreach (var dx in new[] { 0f, -1f, 1f })
        {
            await page.Mouse.MoveAsync(exact.X + dx, exact.Y);
            await Until(page, "() => document.getElementById('tooltip').textContent.startsWith('step ')");
            tips.Add((await page.TextContentAsync("#tooltip"))!);
        }
        Assert.Contains(tips, tip => tip.StartsWith($"step {DashboardPageFixture.Spike:N0}■ training: 1000 ", StringComparison.Ordinal));
        await page.ClickAsync("#zoom-out");
        await Until(page, "() => StethoscopeDashboard.charts.loss.model.from === 1");
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Every_panel_of_a_real_run_is_drawn_with_its_verdicts_origin_filters_and_figures()
    {
        var errors = new List<string>();
        var page = await runs.Page("/?run=rich", errors);
        await Until(page, """
            () => { const d = StethoscopeDashboard, w = d.panels.weights, a = d.panels.activations, s = d.panels.distributions;
              return d.charts.norms.model && d.charts.updates.model && d.layerMap.model && w.length === 4 && w.every(p => p.chart.model)
                && a.length > 0 && a.every(p => p.chart.model) && s.length === 8 && s.every(p => p.chart.model)
                && document.getElementById('filter-image').complete && document.getElementById('filter-image').naturalWidth > 0; }
            """);
        var charts = await page.EvaluateAsync<JsonElement>("""
            () => { const c = StethoscopeDashboard.charts, n = m => m.series.filter(s => s.data && s.data.steps.length).length;
              return { loss: n(c.loss.model), accuracy: n(c.accuracy.model), norms: n(c.norms.model), updates: n(c.updates.model),
                layers: StethoscopeDashboard.layerMap.model.rows, bands: StethoscopeDashboard.panels.distributions[0].chart.model.bands.length,
                activations: StethoscopeDashboard.panels.activations.map(p => p.title), weights: StethoscopeDashboard.panels.weights[0].chart.model.rows.length }; }
            """);
        // Training raw and smoothed, and the test split, on both curves; four layers everywhere.
        Assert.Equal((3, 3, 4, 4), (charts.GetProperty("loss").GetInt32(), charts.GetProperty("accuracy").GetInt32(), charts.GetProperty("norms").GetInt32(), charts.GetProperty("updates").GetInt32()));
        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], charts.GetProperty("layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(4, charts.GetProperty("bands").GetInt32());
        Assert.Equal(["mean", "std", "zero_fraction", "dead_fraction"], charts.GetProperty("activations").EnumerateArray().Select(l => l.GetString()));
        Assert.InRange(charts.GetProperty("weights").GetInt32(), 100, 256);

        Assert.Contains("Dead units — layers relu1, from step 11", await page.TextContentAsync("#verdicts"));
        Assert.Contains("lower the learning rate or use LeakyReLU", await page.TextContentAsync("#verdicts"));
        Assert.Contains("First non-finite value at step 17 — backward pass, module fc1, parameter fc1.weight", await page.TextContentAsync("#origin"));
        Assert.Contains("test accuracy", await page.TextContentAsync("#summary"));

        // The filter grids recorded at the start and at the end of training, one picture per step.
        Assert.Equal("1", await page.GetAttributeAsync("#filter-step", "max"));
        var last = await page.GetAttributeAsync("#filter-image", "src");
        await page.Locator("#filter-step").FillAsync("0");
        await Until(page, "() => document.getElementById('filter-label').textContent.startsWith('step 0 ')");
        Assert.NotEqual(last, await page.GetAttributeAsync("#filter-image", "src"));
        await Until(page, "() => document.getElementById('filter-image').complete && document.getElementById('filter-image').naturalWidth > 0");

        var figures = await page.EvaluateAsync<JsonElement>("() => [...document.querySelectorAll('#figures img')].map(i => [i.getAttribute('src'), i.alt])");
        Assert.Contains(figures.EnumerateArray(), f => f[0].GetString()!.StartsWith("/runs/rich/figures/erf.png", StringComparison.Ordinal) && f[1].GetString()!.StartsWith("Effective receptive field", StringComparison.Ordinal));
        var report = await page.EvaluateAsync<int>("async () => (await fetch(document.getElementById('report').href)).status");
        Assert.Equal(200, report);

        // Hovering the layer × time map and a heat map names the row, the step and the value.
        await page.Locator("#layers").ScrollIntoViewIfNeededAsync();
        var map = await page.Locator("#layers").BoundingBoxAsync();
        await page.Mouse.MoveAsync(map!.X + map.Width * 0.5f, map.Y + map.Height * 0.2f);
        await Until(page, "() => document.getElementById('tooltip').textContent.includes('gradient norm: ')");
        Assert.StartsWith("conv1, step", await page.TextContentAsync("#tooltip"));
        Directory.CreateDirectory(Browser.Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Screenshots, "dashboard-panels.png"), FullPage = true });
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Ticked_runs_are_compared_labelled_by_what_differs_with_distributions_side_by_side()
    {
        var errors = new List<string>();
        var page = await runs.Page("/?run=lr-low", errors);
        await Until(page, "() => document.querySelectorAll('#runs li').length === 100");
        await page.CheckAsync("input[aria-label='compare lr-low']");
        await page.CheckAsync("input[aria-label='compare lr-high']");
        await Until(page, "() => StethoscopeDashboard.charts.compareLoss.model && document.querySelectorAll('#compare-distributions canvas').length === 8");
        Assert.Equal("lr 0.05 · lr 0.5", await page.TextContentAsync("#compare-names"));
        var labels = await page.EvaluateAsync<string[]>("() => StethoscopeDashboard.charts.compareLoss.model.series.map(s => s.label)");
        Assert.Equal(["lr 0.05", "lr 0.05 (test)", "lr 0.5", "lr 0.5 (test)"], labels);
        var captions = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#compare-distributions figcaption')].slice(0, 2).map(c => c.textContent)");
        Assert.Equal(["conv1: lr 0.05", "conv1: lr 0.5"], captions);
        // Side by side; the larger learning rate's band is the wider.
        await Until(page, "() => StethoscopeDashboard.panels.compare.length === 8 && StethoscopeDashboard.panels.compare.every(c => c.chart.model)");
        var widths = await page.EvaluateAsync<double[]>("() => StethoscopeDashboard.panels.compare.slice(0, 2).map(c => Math.max(...c.chart.model.bands[0].upper.high))");
        Assert.True(widths[1] > 5 * widths[0], string.Join(", ", widths));
        await page.UncheckAsync("input[aria-label='compare lr-high']");
        await Until(page, "() => document.getElementById('compare').hidden");
        await page.CloseAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Clicking_a_chart_plays_the_run_from_that_step_from_its_recording_or_rendered_from_its_steps()
    {
        var errors = new List<string>();
        var page = await runs.Page("/?run=rich", errors);
        await Until(page, "() => StethoscopeDashboard.charts.norms.model && document.querySelector('#sounds audio')");
        var frames = await page.EvaluateAsync<int>("async () => (await (await fetch('/api/runs/rich')).json()).framesPerStep");
        await page.Locator("#norms").ScrollIntoViewIfNeededAsync();
        var at = await Point(page, "norms", 12);
        await page.Mouse.ClickAsync(at.X, at.Y);
        await Until(page, "() => { const a = document.querySelector('#sounds audio'); return !a.paused && a.currentTime > 0; }");
        var time = await page.EvaluateAsync<double>("() => document.querySelector('#sounds audio').currentTime");
        // The recording's time of step 12, a little later for playing having begun.
        Assert.InRange(time, 11.0 * frames / 44100, 11.0 * frames / 44100 + 1.5);
        await Until(page, "() => /hearing step (1[2-9]|2[0-4])$/.test(document.getElementById('hearing').textContent)");

        // A run without a recording is rendered from its steps through WebAudio, from the step clicked.
        var other = await runs.Page("/?run=lr-low", errors);
        await Until(other, "() => StethoscopeDashboard.charts.norms.model && StethoscopeDashboard.charts.norms.model.series.length === 4");
        await other.Locator("#norms").ScrollIntoViewIfNeededAsync();
        var step = await Point(other, "norms", 200);
        await other.Mouse.ClickAsync(step.X, step.Y);
        await Until(other, "() => document.getElementById('sound-state').textContent.startsWith('sound on (running)')");
        await Until(other, "() => /hearing step 2\\d\\d/.test(document.getElementById('hearing').textContent)");
        await page.CloseAsync();
        await other.CloseAsync();
        Assert.Empty(errors);
    }
}
