using System.Text.Json;
using System.Text.Json.Serialization;
using Stethoscope.Probes;
using Stethoscope.Report;
using Stethoscope.Runs;
using Stethoscope.Sound;

namespace Stethoscope.Dashboard;

/// <summary>A verdict of the run's diagnosis (<c>diagnosis.json</c>): which rule fired, where, when, why, and what to try.</summary>
public sealed record Verdict(string Rule, string Title, IReadOnlyList<string>? Layers, long? FirstStep, string? Evidence, IReadOnlyDictionary<string, double>? Values, string? Suggestion);

/// <summary>Where the run's first NaN or infinity came from (run.json's <c>non_finite_origin</c>), when the replay found it.</summary>
public sealed record NonFiniteOrigin(long Step, string Pass, string? Module, string? Parameter, bool? InputsFinite, string? Detail);

/// <summary>A file of the run for the page, by its path inside the run folder, with a caption and a version that changes
/// when the file does (its last write time), so the page fetches it again only then.</summary>
public sealed record RunFile(string Path, string Caption, long Version);

/// <summary>One line of a run's configuration.</summary>
public sealed record Setting(string Name, string Value);

/// <summary>One layer's distribution bands: the columns of its percentiles (as <see cref="LayerDistribution.BandPercentiles"/>)
/// for the weights and the gradients, and of its update ratio.</summary>
public sealed record DistributionColumns(string Layer, IReadOnlyList<string> Weight, IReadOnlyList<string> Gradient, string UpdateRatio);

/// <summary>One module's activation statistics: its kind and the column of each statistic it has.</summary>
public sealed record ActivationColumns(string Module, string Kind, IReadOnlyDictionary<string, string> Statistics);

/// <summary>How the log mapping voices one layer: its left and right gains and how many harmonics it sounds.</summary>
public sealed record Voice(float Left, float Right, int Harmonics);

/// <summary>The filter grids recorded over training for one layer, by step.</summary>
public sealed record FilterSteps(string Layer, IReadOnlyList<long> Steps);

/// <summary>
/// Everything the page shows about one run besides its series: what it is, how it ended, its verdicts and non-finite
/// origin, and which columns, layers, figures and sounds it has — so the page asks for series by the names given here
/// and knows no file or column name of its own.
/// </summary>
public sealed record RunDetail(
    string Name,
    string Status,
    long Steps,
    IReadOnlyList<Setting> Settings,
    long? FirstNonFiniteStep,
    NonFiniteOrigin? NonFiniteOrigin,
    IReadOnlyList<Verdict> Verdicts,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<string> GradientNorms,
    IReadOnlyList<string> Eval,
    IReadOnlyList<DistributionColumns> Distributions,
    IReadOnlyList<ActivationColumns> Activations,
    IReadOnlyList<string> WeightLayers,
    IReadOnlyList<FilterSteps> Filters,
    IReadOnlyList<RunFile> Figures,
    IReadOnlyList<RunFile> Sounds,
    int FramesPerStep,
    IReadOnlyList<Voice> Voices)
{
    /// <summary>The verdicts' file at the run folder's root (the contract with the diagnosis).</summary>
    public const string DiagnosisFile = "diagnosis.json";

    static readonly JsonSerializerOptions Snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    sealed record Diagnosis(int Version, List<Verdict>? Verdicts);

    internal static RunDetail Read(RunData data, RunManifest manifest, RunCatalog catalog)
    {
        var run = data.Run;
        var metrics = RunData.Read(data.Metrics, t => t.Columns.ToArray());
        var norms = metrics.Where(c => c.StartsWith(GradientNormProbe.Prefix, StringComparison.Ordinal)).ToArray();
        var eval = RunData.Read(data.Eval, t => t.Columns.ToArray());
        var (layers, distributionColumns) = RunData.Read(data.Distributions, t => (data.DistributionFormat.Layers.ToArray(), t.Columns.ToHashSet(StringComparer.Ordinal)));
        var activations = RunData.Read(data.Activations, t => data.ActivationFormat.Modules.ToArray());
        var filters = data.Filters;
        FilterSteps[] filterSteps;
        lock (filters)
            filterSteps = [.. filters.Refresh().Frames.GroupBy(f => f.Layer).Select(g => new FilterSteps(g.Key, [.. g.Select(f => f.Step).Distinct().Order()]))];
        var steps = RunData.Read(data.Metrics, t => t.LastStep) ?? 0;
        var c = manifest.Config;
        return new RunDetail(
            manifest.Name,
            manifest.Status.ToString().ToLowerInvariant(),
            Math.Max(steps, manifest.Steps),
            [new("model", $"{manifest.Model.Name} ({manifest.Model.Parameters:N0} parameters)"), new("data", manifest.Data.Name),
             new("optimizer", FormattableString.Invariant($"{c.Optimizer}, lr {c.LearningRate}, momentum {c.Momentum}, weight decay {c.WeightDecay}")),
             new("batch", $"{c.BatchSize}"), new("seed", $"{manifest.Seed}"), new("device", manifest.Device)],
            manifest.FirstNonFiniteStep,
            Origin(run, catalog),
            VerdictsOf(run, catalog),
            metrics,
            norms,
            eval,
            [.. layers.Select(l => Bands(l, distributionColumns))],
            [.. activations.Select(m => new ActivationColumns(m.Module, m.Kind, Statistics(m.Module, data)))],
            [.. layers.Where(l => catalog.PlainFile(run.WeightSamples(l)) is not null)],
            filterSteps,
            FiguresOf(run, catalog),
            SoundsOf(run, catalog),
            norms.Length * SoundMapping.ToneFrames + SoundMapping.GapFrames,
            VoicesOf(norms.Length));
    }

    static Voice[] VoicesOf(int layers)
    {
        if (layers == 0)
            return [];
        var mapping = new LogMapping(layers);
        return [.. Enumerable.Range(0, layers).Select(i =>
        {
            var (left, right) = mapping.Pan(i);
            return new Voice(left, right, LogMapping.Harmonics(i));
        })];
    }

    static DistributionColumns Bands(string layer, HashSet<string> columns)
    {
        IReadOnlyList<string> Of(TensorKind kind) =>
            [.. Enumerable.Range(0, LayerDistribution.BandPercentiles.Count).Select(b => DistributionRows.Band(DistributionProbe.Kind(kind), layer, b)).Where(columns.Contains)];
        return new DistributionColumns(layer, Of(TensorKind.Weight), Of(TensorKind.Gradient), DistributionRows.UpdateRatio(layer));
    }

    static Dictionary<string, string> Statistics(string module, RunData data) =>
        RunData.Read(data.Activations, t => t.Columns.Where(c => c.StartsWith(module + "/", StringComparison.Ordinal) && c.LastIndexOf('/') == module.Length)
            .ToDictionary(c => c[(module.Length + 1)..], c => c));

    static IReadOnlyList<RunFile> FiguresOf(RunFolder run, RunCatalog catalog) =>
        catalog.FolderInside(run.Figures)
            ? [.. RunReport.Figures(run).Where(f => catalog.PlainFile(Path.Combine(run.Root, f.Source)) is not null).Select(f => new RunFile(f.Source, f.Caption, Version(Path.Combine(run.Root, f.Source))))]
            : [];

    static IReadOnlyList<RunFile> SoundsOf(RunFolder run, RunCatalog catalog) =>
        catalog.FolderInside(run.Sound)
            ? [.. Directory.EnumerateFiles(run.Sound, "*.wav").Order(StringComparer.Ordinal).Where(f => catalog.PlainFile(f) is not null)
                .Select(f => new RunFile(Path.GetRelativePath(run.Root, f).Replace('\\', '/'), Path.GetFileName(f), Version(f)))]
            : [];

    static long Version(string file) => File.GetLastWriteTimeUtc(file).Ticks;

    internal static List<Verdict> VerdictsOf(RunFolder run, RunCatalog catalog)
    {
        if (catalog.PlainFile(Path.Combine(run.Root, DiagnosisFile)) is not { } file)
            return [];
        try
        {
            return JsonSerializer.Deserialize<Diagnosis>(File.ReadAllText(file), Snake)?.Verdicts?.Where(v => v.Rule is not null && v.Title is not null).ToList() ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    static NonFiniteOrigin? Origin(RunFolder run, RunCatalog catalog)
    {
        if (catalog.PlainFile(run.RunJson) is not { } file)
            return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            return json.RootElement.TryGetProperty("non_finite_origin", out var origin) && origin.ValueKind == JsonValueKind.Object
                ? origin.Deserialize<NonFiniteOrigin>(Snake)
                : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
