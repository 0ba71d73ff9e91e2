using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Training;
using TorchSharp;

namespace Stethoscope.Runs;

/// <summary>The configuration of a run as the user gave it: enough to rebuild the model and reload the data.
/// <see cref="ModelType"/> names a user's model class (<see cref="UserModel"/>); null for registered models.</summary>
public sealed record RunConfig(
    string Model,
    string Data,
    string Optimizer,
    double LearningRate,
    double Momentum,
    bool Nesterov,
    double WeightDecay,
    int BatchSize,
    int? Epochs,
    long? MaxSteps,
    int? EvalEvery,
    string OnDivergence,
    string DeviceRequested,
    string? ModelType = null);

/// <summary>The data a run trained on.</summary>
public sealed record DataSummary(string Name, int TrainCount, int TestCount, string InputShape, int Classes, Normalization Normalization);

/// <summary>Versions of what produced a run, so a result can be traced.</summary>
public sealed record VersionInfo(string Stethoscope, string TorchSharp, string LibTorch, string DotNet, string Os)
{
    public static VersionInfo Current => new(
        typeof(RunManifest).Assembly.GetName().Version?.ToString(3) ?? "unknown",
        typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown",
        torch.__version__,
        Environment.Version.ToString(),
        RuntimeInformation.OSDescription);
}

/// <summary>The last numbers of a run. Null where not measured; NaN is written as the string "NaN".</summary>
public sealed record FinalMetrics(double? Loss, double? Accuracy, double? TestLoss, double? TestAccuracy);

/// <summary>A verdict of the run's diagnosis as run.json lists it (the whole verdict is in diagnosis.json).</summary>
public sealed record VerdictEntry(string Rule, long FirstStep);

/// <summary>
/// run.json: what a run was (configuration, model, data, seed, versions, device), when it ran, and how it ended
/// (status running | completed | diverged | interrupted | failed, steps, final metrics, and where the first NaN/inf
/// came from: <c>non_finite_origin</c>, null when no step was non-finite), and the rule ids and first steps of its
/// diagnosis's verdicts (null in runs recorded before diagnosis existed).
/// <see cref="CpuKernels"/> names libtorch's CPU convolution kernels of a CPU run (<see cref="Training.CpuKernels.Description"/>)
/// and <see cref="CpuHeap"/> what the process did with glibc's heap (<see cref="Training.TensorHeap.Description"/>); both null on
/// CUDA and in runs recorded before they existed.
/// </summary>
public sealed record RunManifest(
    string Name,
    RunStatus Status,
    DateTimeOffset Started,
    DateTimeOffset? Ended,
    long Seed,
    string Device,
    RunConfig Config,
    ModelSummary Model,
    DataSummary Data,
    VersionInfo Versions,
    long Steps = 0,
    int EpochsCompleted = 0,
    long? FirstNonFiniteStep = null,
    FinalMetrics? Final = null,
    string? Error = null,
    NonFiniteOrigin? NonFiniteOrigin = null,
    IReadOnlyList<VerdictEntry>? Verdicts = null,
    string? CpuKernels = null,
    string? CpuHeap = null)
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Reads run.json, with one clear line when it is missing or not a run manifest.</summary>
    public static RunManifest Read(string path)
    {
        if (!File.Exists(path))
            throw new StethoscopeException($"{path}: no such file (is this a run folder?)");
        try
        {
            var manifest = JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(path), Json)
                ?? throw new StethoscopeException($"{path}: empty run manifest");
            // The deserializer leaves an absent object null whatever its type says; every reader dereferences these.
            if (MissingField(manifest) is { } missing)
                throw new StethoscopeException($"{path}: missing field '{missing}' (not a run manifest)");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new StethoscopeException($"{path}: not a valid run.json ({e.Message.Split('.')[0]})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StethoscopeException($"{path}: cannot be read ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The snake_case name of the first field a reader needs that the file lacks, or null.</summary>
    static string? MissingField(RunManifest m) =>
        m.Name is null ? "name"
        : m.Device is null ? "device"
        : m.Config is null ? "config"
        : m.Model is null ? "model"
        : m.Data is null ? "data"
        : m.Versions is null ? "versions"
        : m.Config.Model is null ? "config.model"
        : m.Config.Data is null ? "config.data"
        : m.Config.Optimizer is null ? "config.optimizer"
        : m.Config.OnDivergence is null ? "config.on_divergence"
        : m.Config.DeviceRequested is null ? "config.device_requested"
        : m.Model.Name is null ? "model.name"
        : m.Model.Layers is null ? "model.layers"
        : m.Data.Name is null ? "data.name"
        : m.Data.InputShape is null ? "data.input_shape"
        : m.Data.Normalization is null ? "data.normalization"
        : null;
}
