using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Stethoscope.Charts;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Sound;

namespace Stethoscope.Report;

/// <summary>
/// <c>RUN/index.html</c>: one page that works from the file system with nothing fetched from anywhere — the run's
/// configuration and results, every figure in <c>figures/</c> with alt text, and the gradient sounds (recorded while
/// training, or rendered later by <c>sonify</c>), each in an <c>&lt;audio&gt;</c> element labelled by its mapping,
/// above a gradient-norm chart (drawn in the page from metrics.csv) whose cursor follows playback, so a sound can be traced to the step that made it; clicking the chart plays from that step.
/// </summary>
public static class RunReport
{
    public const string FileName = "index.html";

    /// <summary>The chart's pixel columns: a longer run is drawn as the envelope of all its steps (<see cref="SeriesEnvelope"/>), so no spike is lost.</summary>
    public const int MaxChartSteps = 2000;

    static readonly (string Pattern, string Caption)[] Captions =
    [
        ("curves.png", "Loss (log scale) and accuracy: training batches faint, smoothed solid, test split dashed"),
        ("gradient-norms.png", "Gradient norm of each layer per step (log scale); red: NaN or infinite norms"),
        ("distributions.png", "Weight and gradient distributions per layer: min–max, ±1.5σ, ±1σ, ±0.5σ percentile bands and median"),
        ("update-ratios.png", "Update-to-weight ratio per layer; the grey line is 1e-3"),
        ("weight-heatmaps.png", "256 sampled weights of each layer over training (blue negative, red positive)"),
        ("activations.png", "Activation statistics per layer over training: dead units, exact zeros, saturation, and the output's standard deviation"),
        ("filters-", "Convolution filters as images, each scaled on its own"),
        ("activations-", "Feature maps of one input, each scaled on its own, the input on the left"),
        ("erf", "Effective receptive field at the first and the last checkpoint; dashed: the theoretical field"),
        ("average.png", "Hypercolumns: the average over all features of each pixel"),
        ("clusters.png", "Hypercolumns: pixels clustered by k-means, over the grey image"),
    ];

    public static string Write(RunFolder run)
    {
        var html = Render(run);
        var path = Path.Combine(run.Root, FileName);
        AtomicFile.WriteAllText(path, html);
        return path;
    }

    /// <summary>The page <see cref="Write"/> writes, without writing it (the dashboard serves it for a live run).</summary>
    public static string Render(RunFolder run) => Html(run, RunManifest.Read(run.RunJson));

    static string Html(RunFolder run, RunManifest manifest)
    {
        var page = new StringBuilder();
        var title = $"Stethoscope · {manifest.Name}";
        page.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)}</title>
            <style>{Style}</style></head><body>
            <h1>{E(manifest.Name)}</h1>
            <p class="status {E(Lower(manifest.Status))}">{E(Summary(manifest))}</p>
            """);
        if (manifest.NonFiniteOrigin is { } origin)
            page.Append($"<p class=\"origin\">First NaN/inf: {E(origin.Line())}</p>\n");
        page.Append(DiagnosisSection.Html(run));
        page.Append(Configuration(manifest));
        page.Append(SoundSection(run));
        foreach (var figure in Figures(run))
            page.Append($"""<figure><img src="{E(figure.Source)}" alt="{E(figure.Caption)}" loading="lazy"><figcaption>{E(figure.Caption)}</figcaption></figure>""").Append('\n');
        page.Append("<footer>Made by Stethoscope from run.json, metrics.csv and figures/ of this folder.</footer></body></html>\n");
        return page.ToString();
    }

    static string Summary(RunManifest m)
    {
        var text = $"{Lower(m.Status)} after {m.Steps:N0} steps ({m.EpochsCompleted} epochs)";
        if (m.Final?.TestAccuracy is { } accuracy && double.IsFinite(accuracy))
            text += string.Create(CultureInfo.InvariantCulture, $", test accuracy {accuracy:P2}");
        if (m.FirstNonFiniteStep is { } step)
            text += $", first NaN/inf at step {step}";
        return text;
    }

    static string Configuration(RunManifest m)
    {
        var c = m.Config;
        (string, string)[] rows =
        [
            ("model", $"{m.Model.Name} ({m.Model.Parameters:N0} parameters, input {m.Model.InputShape})"),
            ("data", $"{m.Data.Name}: {m.Data.TrainCount:N0} training, {m.Data.TestCount:N0} test images, {m.Data.Classes} classes"),
            ("optimizer", string.Create(CultureInfo.InvariantCulture, $"{c.Optimizer}, lr {c.LearningRate}, momentum {c.Momentum}{(c.Nesterov ? " (Nesterov)" : "")}, weight decay {c.WeightDecay}")),
            ("batch", $"{c.BatchSize}, {(c.Epochs is { } e ? $"{e} epochs" : $"{c.MaxSteps} steps")}"),
            ("seed, device", $"{m.Seed}, {m.Device}"),
            ("started", m.Started.ToString("u", CultureInfo.InvariantCulture)),
            ("versions", $"Stethoscope {m.Versions.Stethoscope}, TorchSharp {m.Versions.TorchSharp}, libtorch {m.Versions.LibTorch}, .NET {m.Versions.DotNet}"),
        ];
        return "<table class=\"config\">" + string.Concat(rows.Select(r => $"<tr><th>{E(r.Item1)}</th><td>{E(r.Item2)}</td></tr>")) + "</table>\n";
    }

    static string SoundSection(RunFolder run)
    {
        if (!File.Exists(run.MetricsCsv))
            return "";
        var metrics = MetricsCsv.Open(run.MetricsCsv);
        var columns = metrics.ColumnsStartingWith(GradientNormProbe.Prefix);
        if (columns.Count == 0)
            return "";
        var rows = metrics.Rows().ToArray();
        var envelope = SeriesEnvelope.Of(rows.Select(r => r.Step).ToArray(), [.. columns.Select(c => (c, (ReadOnlyMemory<float>)rows.Select(r => r.Values[metrics.IndexOf(c)]).ToArray()))],
            rows.FirstOrDefault()?.Step ?? 0, rows.LastOrDefault()?.Step ?? 0, MaxChartSteps);
        var data = new
        {
            layers = columns.Select(c => c[GradientNormProbe.Prefix.Length..]),
            framesPerStep = columns.Count * SoundMapping.ToneFrames + SoundMapping.GapFrames,
            envelope.From,
            envelope.To,
            envelope.Steps,
            envelope.Through,
            envelope.Series,
        };
        var json = JsonSerializer.Serialize(data, CamelCase).Replace("</", "<\\/", StringComparison.Ordinal);
        var sounds = Sounds(run);
        // The first player carries id="sound": the cursor follows it until another one is played.
        var audio = sounds.Count > 0
            ? string.Concat(sounds.Select((sound, i) =>
                $"""<div class="sound-file"><p class="sound-label">{E(sound.Label)}</p><audio {(i == 0 ? "id=\"sound\" " : "")}controls preload="metadata" src="{E(Relative(run, sound.Path))}">Your browser cannot play WAV files.</audio></div>""" + "\n"))
            : "<p>No sound was recorded for this run (train with <code>--sonify</code>, or run <code>stethoscope sonify</code> on it).</p>";
        return $"""
            <section class="sound"><h2>Gradient sound</h2>
            <p>Each step is a {SoundMapping.ToneFrames * 1000 / SoundMapping.SampleRate} ms tone per layer then silence; the cursor shows the step you hear. Click the chart to play from a step.</p>
            {audio}
            <canvas id="norms" width="1000" height="300" role="img" aria-label="Gradient norm of each layer per step, log scale, with a cursor at the step being played"></canvas>
            <p id="cursor-step" aria-live="polite"></p>
            <script type="application/json" id="norm-data">{json}</script>
            {ChartVocabulary.ScriptElement}
            {ChartScript.ScriptElement}
            <script>StethoscopeChart.report();</script></section>

            """;
    }

    /// <summary>
    /// The gradient sounds in <c>sound/</c>: the one streamed while training (<c>gradient-norms.wav</c>) first, then
    /// those <c>sonify</c> rendered (<c>gradient-norms-&lt;mapping&gt;.wav</c>) in the order of <see cref="MappingKind"/>,
    /// each labelled by its mapping. Every mapping keeps the same steps per second, so one cursor serves them all.
    /// </summary>
    internal static IReadOnlyList<(string Path, string Label)> Sounds(RunFolder run)
    {
        var sounds = new List<(string, string)>();
        if (File.Exists(run.GradientSound))
            sounds.Add((run.GradientSound, $"Recorded while training ({TrainingMapping(run.GradientSound)} mapping)"));
        if (!Directory.Exists(run.Sound))
            return sounds;
        const string stem = "gradient-norms-";
        var mappings = Enum.GetNames<MappingKind>().Select(m => m.ToLowerInvariant()).ToList();
        var rendered = Directory.EnumerateFiles(run.Sound, stem + "*.wav")
            .Select(path => (Path: path, Mapping: Path.GetFileNameWithoutExtension(path)[stem.Length..]))
            .OrderBy(s => mappings.IndexOf(s.Mapping) is var i && i >= 0 ? i : int.MaxValue).ThenBy(s => s.Mapping, StringComparer.Ordinal);
        foreach (var (path, mapping) in rendered)
            sounds.Add((path, mappings.Contains(mapping) ? $"Rendered by sonify ({mapping} mapping)" : $"Rendered by sonify ({mapping})"));
        return sounds;
    }

    /// <summary>The mapping of the sound recorded while training, which run.json does not keep: the seed mapping is
    /// the only mono one (<see cref="SoundMapping.ChannelsOf"/>); the header is enough to tell.</summary>
    static string TrainingMapping(string wavPath)
    {
        var header = new byte[64];
        int read;
        using (var stream = File.OpenRead(wavPath))
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        try
        {
            var channels = WavFile.Parse(header.AsSpan(0, read), wavPath).Channels;
            return Enum.GetValues<MappingKind>().First(k => SoundMapping.ChannelsOf(k) == channels).ToString().ToLowerInvariant();
        }
        catch (Exception e) when (e is Data.DataFormatException or InvalidOperationException)
        {
            return "unknown";
        }
    }

    /// <summary>Every PNG under figures/, in the order of <see cref="Captions"/>, then the rest by name.</summary>
    public static IEnumerable<(string Source, string Caption)> Figures(RunFolder run)
    {
        if (!Directory.Exists(run.Figures))
            return [];
        return Directory.EnumerateFiles(run.Figures, "*.png", SearchOption.AllDirectories).Where(path => !DiagnosisSection.Shows(path))
            .Select(path => (Path: path, Rank: Array.FindIndex(Captions, c => Path.GetFileName(path).StartsWith(c.Pattern, StringComparison.Ordinal))))
            .OrderBy(f => f.Rank < 0 ? int.MaxValue : f.Rank).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => (Relative(run, f.Path), f.Rank < 0 ? Path.GetFileNameWithoutExtension(f.Path) : $"{Captions[f.Rank].Caption} ({Path.GetFileName(f.Path)})"));
    }

    static string Relative(RunFolder run, string path) => Path.GetRelativePath(run.Root, path).Replace('\\', '/');

    static string Lower(Training.RunStatus status) => status.ToString().ToLowerInvariant();

    static string E(string text) => WebUtility.HtmlEncode(text);

    const string Style = """
        body{font:15px/1.5 system-ui,sans-serif;max-width:1060px;margin:1.5em auto;padding:0 1em;color:#222}
        h1{margin-bottom:.2em}.status{font-size:1.1em}.status.diverged{color:#b00}.status.completed{color:#070}
        table.config{border-collapse:collapse;margin:1em 0}table.config th{text-align:left;padding:2px 12px 2px 0;color:#555;font-weight:normal}
        figure{margin:2em 0}figure img{max-width:100%;border:1px solid #ddd}figcaption{color:#555}
        audio{width:100%}.sound-label{margin:.6em 0 .1em;color:#555}canvas{width:100%;height:auto;border:1px solid #ddd;cursor:crosshair}footer{color:#888;margin:3em 0 1em}
        .origin{color:#b00;margin-top:0}
        .chart-tooltip{position:absolute;background:#fff;border:1px solid #bbb;padding:4px 8px;font-size:13px;pointer-events:none;box-shadow:0 1px 4px #0002}.nonfinite{color:#d00000}
        """;

    static readonly JsonSerializerOptions CamelCase = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
