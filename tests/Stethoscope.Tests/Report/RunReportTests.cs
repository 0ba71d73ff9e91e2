using System.Text.Json;
using System.Text.RegularExpressions;
using Stethoscope.Runs;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Report;

public class RunReportTests
{
    static void AssertSelfContained(RunFolder run, string html)
    {
        var sources = Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            Assert.DoesNotContain("://", source);
            Assert.True(File.Exists(Path.Combine(run.Root, source)), $"{source} is missing");
        }
        foreach (Match image in Regex.Matches(html, "<img [^>]*>"))
            Assert.Matches("alt=\"[^\"]{10,}\"", image.Value);
    }

    /// <summary>Each audio player of the page: its label and its file.</summary>
    static (string Label, string Source)[] Audios(string html) =>
        [.. Regex.Matches(html, "<p class=\"sound-label\">([^<]*)</p><audio [^>]*src=\"([^\"]*)\"").Select(m => (m.Groups[1].Value, m.Groups[2].Value))];

    [Fact]
    public void The_report_links_every_figure_and_the_sound_and_carries_the_norms_for_the_cursor()
    {
        using var temp = new TempDirectory();
        var run = new RunFolder(temp["run"]);
        Assert.Equal(0, Invoke("train", "--data", "synthetic:64", "--max-steps", "5", "--batch-size", "16", "--device", "cpu", "--quiet", "--sonify", "--distributions-every", "2", "--out", run.Root).Code);
        Assert.Equal(0, Invoke("plot", run.Root).Code);
        Assert.Equal(0, Invoke("sonify", run.Root, "--mapping", "log").Code);
        var (code, output, error) = Invoke("report", run.Root);
        Assert.Equal((0, ""), (code, error));
        Assert.Equal(Path.Combine(run.Root, "index.html"), output.Trim());
        var html = File.ReadAllText(Path.Combine(run.Root, "index.html"));
        AssertSelfContained(run, html);
        Assert.Contains("<audio id=\"sound\" controls preload=\"metadata\" src=\"sound/gradient-norms.wav\">", html);
        Assert.Equal([("Recorded while training (seed mapping)", "sound/gradient-norms.wav"), ("Rendered by sonify (log mapping)", "sound/gradient-norms-log.wav")], Audios(html));
        Assert.Equal(7, Regex.Matches(html, "<img ").Count); // plot's six (activations.png among them) and the live filter grid
        Assert.Contains("activations.png", html);
        var json = Regex.Match(html, "<script type=\"application/json\" id=\"norm-data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        var data = JsonDocument.Parse(json).RootElement;
        Assert.Equal([1, 2, 3, 4, 5], data.GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(4 * 441 + 882, data.GetProperty("framesPerStep").GetInt32());
        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], data.GetProperty("layers").EnumerateArray().Select(l => l.GetString()!));
    }

    [Fact]
    public void A_run_without_sound_says_how_to_make_it_then_plays_what_sonify_rendered_and_a_missing_run_is_an_error()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, Invoke("train", "--data", "synthetic:32", "--max-steps", "2", "--device", "cpu", "--quiet", "--out", temp["run"]).Code);
        Assert.Equal(0, Invoke("report", temp["run"]).Code);
        var html = File.ReadAllText(Path.Combine(temp["run"], "index.html"));
        Assert.Contains("No sound was recorded for this run", html);
        Assert.DoesNotContain("<audio", html);
        Assert.Contains("no such run folder", AssertOneLineError(1, Invoke("report", temp["none"])));
        // sonify renders it afterwards, under a name per mapping: the report finds every rendering.
        Assert.Equal(0, Invoke("sonify", temp["run"], "--mapping", "log").Code);
        Assert.Equal(0, Invoke("sonify", temp["run"]).Code);
        Assert.Equal(0, Invoke("report", temp["run"]).Code);
        html = File.ReadAllText(Path.Combine(temp["run"], "index.html"));
        Assert.DoesNotContain("No sound was recorded", html);
        Assert.Contains("<audio id=\"sound\" controls preload=\"metadata\" src=\"sound/gradient-norms-seed.wav\">", html);
        Assert.Equal([("Rendered by sonify (seed mapping)", "sound/gradient-norms-seed.wav"), ("Rendered by sonify (log mapping)", "sound/gradient-norms-log.wav")], Audios(html));
        AssertSelfContained(new RunFolder(temp["run"]), html);
    }

    [Fact]
    public void The_demo_trains_draws_measures_and_reports_in_one_command()
    {
        using var temp = new TempDirectory();
        // Twenty steps instead of five epochs: the same stages run after training, only on a less trained network.
        const int steps = 20;
        var (code, output, error) = Invoke("demo", "--out", temp["demo"], "--max-steps", $"{steps}");
        Assert.Equal((0, ""), (code, error));
        var run = new RunFolder(temp["demo"]);
        Assert.Contains($"open {Path.Combine(run.Root, "index.html")}", output);
        Assert.Equal(Stethoscope.Training.RunStatus.Completed, RunManifest.Read(run.RunJson).Status);
        Assert.Equal(steps * (4 * 441 + 882), Stethoscope.Sound.WavFile.Read(run.GradientSound).Frames); // four layers' tones and the gap
        Assert.Matches(@"steps\s*│\s*20\s", output);
        string[] figures = ["curves.png", "gradient-norms.png", "distributions.png", "update-ratios.png", "weight-heatmaps.png", "activations.png", "filters-conv1.png",
            "filters-conv1-gradients.png", "filters-conv1-live.png", "activations-conv1-sample0.png", "activations-conv2-sample0.png", "erf.png", "hypercolumns/average.png", "hypercolumns/clusters.png"];
        foreach (var figure in figures)
            Assert.True(File.Exists(Path.Combine(run.Figures, figure)), figure);
        var html = File.ReadAllText(Path.Combine(run.Root, "index.html"));
        AssertSelfContained(run, html);
        Assert.Equal(figures.Length, Regex.Matches(html, "<img ").Count);
        Assert.Contains("already holds a run", AssertOneLineError(1, Invoke("demo", "--out", temp["demo"])));
    }
}
