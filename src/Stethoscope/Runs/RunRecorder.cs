using Stethoscope.Data;
using System.Diagnostics;
using System.Globalization;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.TensorBoard;
using Stethoscope.Training;

namespace Stethoscope.Runs;

/// <summary>
/// Writes a run folder while training runs: run.json at the start and the end (and when the first NaN/inf has been
/// traced to its origin), a row of metrics.csv per step, a row of eval.csv per evaluation, TensorBoard scalars,
/// distributions (<see cref="DistributionLog"/>), activation statistics (<see cref="ActivationLog"/>), and the initial
/// and final checkpoints. Files are
/// flushed every two seconds and at every epoch's end, so after Ctrl-C or a crash everything but the last
/// moments is on disk and every CSV line is whole.
/// </summary>
public sealed class RunRecorder(RunFolder folder, string dataSpec) : ITrainingObserver, IDisposable
{
    /// <summary>eval.csv's columns of the test set's loss and accuracy.</summary>
    public const string TestLossColumn = "test_loss", TestAccuracyColumn = "test_accuracy";

    /// <summary>eval.csv's header.</summary>
    public const string EvaluationHeader = $"step,epoch,{TestLossColumn},{TestAccuracyColumn}";

    static readonly string[] LeadingColumns = [TrainingWatcher.LossName, AccuracyProbe.Name];
    static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    readonly Stopwatch sinceFlush = Stopwatch.StartNew();
    RunManifest? manifest;
    TorchSharp.torch.nn.Module? model;
    StreamWriter? metrics;
    StreamWriter? evaluations;
    EventFileWriter? events;
    DistributionLog? distributions;
    ActivationLog? activations;
    string[] layers = [];
    string[] columns = [];
    readonly HashSet<string> knownColumns = [];

    public RunFolder Folder => folder;

    public void OnTrainingStart(TrainingStart start)
    {
        model = start.Model;
        var options = start.Options;
        var config = new RunConfig(
            start.Layers.Name, dataSpec, options.Optimizer.ToString().ToLowerInvariant(), options.LearningRate, options.Momentum,
            options.Nesterov, options.WeightDecay, options.BatchSize, options.Epochs, options.MaxSteps, options.EvalEvery,
            options.OnDivergence.ToString().ToLowerInvariant(), options.Device.ToString().ToLowerInvariant(), UserModel.NameOf(start.Model));
        var d = start.Data;
        var data = new DataSummary(d.Name, d.TrainCount, d.TestCount, d.Shape.ToString(), d.Classes, d.Normalization ?? Normalization.Identity(Math.Max(1, d.Shape.Channels)));
        var onCpu = start.Device.type == TorchSharp.DeviceType.CPU;
        manifest = new RunManifest(
            Path.GetFileName(folder.Root), RunStatus.Running, start.StartedAt, null, options.Seed, start.Device.ToString(),
            config, ModelSummary.Of(start.Layers), data, VersionInfo.Current, Verdicts: [],
            CpuKernels: onCpu ? Training.CpuKernels.Description : null, CpuHeap: onCpu ? Training.TensorHeap.Description : null);
        manifest.Write(folder.RunJson);
        SaveCheckpoint(folder.InitialCheckpoint);
        metrics = new StreamWriter(folder.MetricsCsv);
        evaluations = new StreamWriter(folder.EvalCsv);
        evaluations.WriteLine(EvaluationHeader);
        events = new EventFileWriter(folder.TensorBoard);
        distributions = new DistributionLog(folder, events);
        activations = new ActivationLog(folder.Activations, start.Layers.Layers.ToDictionary(l => l.Path, l => l.Kind));
        layers = [.. start.Layers.Weighted.Select(l => l.Path)];
    }

    public void OnStep(StepRecord step)
    {
        if (metrics is null || events is null)
            return;
        if (columns.Length == 0 || step.Names.Any(n => !HasOwnFile(n) && !knownColumns.Contains(n)))
            GrowColumns(step);
        var cells = columns.Select(c => Format(step[c])).ToArray();
        metrics.WriteLine(string.Join(",", [Format(step.Step), Format(step.Epoch), .. cells[..2], Format(step.LearningRate), .. cells[2..]]));
        events.WriteScalars(step.Step, ScalarTags(step));
        distributions?.Write(step, layers);
        activations?.Write(step);
        if (sinceFlush.Elapsed >= FlushInterval)
            Flush();
    }

    /// <summary>
    /// A reading that first appears after step 1 (a probe sampled every N steps) gets its column: the file is
    /// rewritten once with the wider header and empty cells in the earlier rows, so no reading is ever dropped.
    /// </summary>
    void GrowColumns(StepRecord step)
    {
        var added = step.Names.Where(n => !HasOwnFile(n) && !LeadingColumns.Contains(n) && !knownColumns.Contains(n));
        var grown = columns.Length == 0 ? [.. LeadingColumns, .. added] : columns.Concat(added).ToArray();
        var header = string.Join(",", ["step", "epoch", .. grown[..2], "lr", .. grown[2..]]);
        if (columns.Length == 0)
            metrics!.WriteLine(header);
        else
            RewriteWithHeader(header, grown.Length - columns.Length);
        columns = grown;
        knownColumns.UnionWith(grown);
    }

    void RewriteWithHeader(string header, int addedCells)
    {
        metrics!.Dispose();
        metrics = null; // closed: a failure below must not leave a disposed writer for the final flush
        var padding = new string(',', addedCells);
        var rows = File.ReadLines(folder.MetricsCsv).Skip(1).Select(line => line + padding);
        try
        {
            AtomicFile.Write(folder.MetricsCsv, temporary => File.WriteAllLines(temporary, rows.Prepend(header)));
        }
        finally
        {
            metrics = new StreamWriter(folder.MetricsCsv, append: true);
        }
    }

    public void OnEvaluation(EvaluationRecord evaluation)
    {
        if (evaluations is null || events is null)
            return;
        evaluations.WriteLine($"{Format(evaluation.Step)},{Format(evaluation.Epoch)},{Format(evaluation.Loss)},{Format(evaluation.Accuracy)}");
        var scalars = new List<(string, float)> { ("test/loss", (float)evaluation.Loss) };
        if (evaluation.Accuracy is { } accuracy)
            scalars.Add(("test/accuracy", (float)accuracy));
        events.WriteScalars(evaluation.Step, scalars);
    }

    public void OnEpochEnd(int epoch) => Flush();

    /// <summary>run.json says at once where the first NaN/inf came from, so a run that goes on shows it while it runs.</summary>
    public void OnNonFiniteOrigin(NonFiniteOrigin origin)
    {
        if (manifest is null)
            return;
        manifest = manifest with { NonFiniteOrigin = origin };
        manifest.Write(folder.RunJson);
    }

    /// <summary>A verdict of the run's diagnosis, when it first fires: listed in run.json (rewritten now) and written to
    /// TensorBoard as text (<c>diagnosis</c>) at <paramref name="step"/>.</summary>
    public void RecordVerdict(string rule, long firstStep, long step, string markdown)
    {
        if (manifest is null)
            return;
        manifest = manifest with { Verdicts = [.. manifest.Verdicts ?? [], new VerdictEntry(rule, firstStep)] };
        manifest.Write(folder.RunJson);
        events?.WriteText(step, "diagnosis", markdown);
    }

    /// <summary>Flushes, saves the final checkpoint and writes run.json's end. run.json is written whatever fails
    /// before it (a full disk, an unwritable checkpoint): then as <c>failed</c> with that reason, and the failure goes on.</summary>
    public void OnTrainingEnd(TrainingResult result)
    {
        if (manifest is null)
        {
            Dispose();
            return;
        }
        Exception? failure = null;
        try
        {
            Flush();
            if (result.Status != RunStatus.Failed)
                SaveCheckpoint(folder.FinalCheckpoint);
        }
        catch (Exception e)
        {
            failure = e;
        }
        manifest = manifest with
        {
            Status = failure is null ? result.Status : RunStatus.Failed,
            Ended = result.EndedAt,
            Steps = result.Steps,
            EpochsCompleted = result.EpochsCompleted,
            FirstNonFiniteStep = result.FirstNonFiniteStep,
            Final = new FinalMetrics(result.LastStep?.Loss, result.LastStep?[AccuracyProbe.Name], result.LastEvaluation?.Loss, result.LastEvaluation?.Accuracy),
            Error = failure?.Message ?? result.Error,
            NonFiniteOrigin = result.NonFiniteOrigin ?? manifest.NonFiniteOrigin,
        };
        try
        {
            manifest.Write(folder.RunJson);
        }
        finally
        {
            Dispose();
        }
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    public void Dispose()
    {
        metrics?.Dispose();
        evaluations?.Dispose();
        distributions?.Dispose();
        activations?.Dispose();
        events?.Dispose();
        metrics = evaluations = null;
        distributions = null;
        activations = null;
        events = null;
        folder.Release();
    }

    void Flush()
    {
        metrics?.Flush();
        evaluations?.Flush();
        distributions?.Flush();
        activations?.Flush();
        events?.Flush();
        sinceFlush.Restart();
    }

    void SaveCheckpoint(string path) => AtomicFile.Write(path, temporary => model!.save(temporary));

    static IEnumerable<(string Tag, float Value)> ScalarTags(StepRecord step)
    {
        yield return ("train/lr", (float)step.LearningRate);
        for (var i = 0; i < step.Names.Count; i++)
        {
            var name = step.Names[i];
            if (IsDistribution(name))
                continue;
            yield return (name.Contains('/') ? name : $"train/{name}", step.Values[i]);
        }
    }

    /// <summary>Distribution readings go to weights/ and TensorBoard histograms, not to metrics.csv or scalars.</summary>
    static bool IsDistribution(string name) => name.StartsWith(DistributionProbe.Prefix, StringComparison.Ordinal);

    /// <summary>Readings written to files of their own (weights/, activations.csv) rather than to metrics.csv columns.</summary>
    static bool HasOwnFile(string name) => IsDistribution(name) || name.StartsWith(ActivationStatisticsProbe.Prefix, StringComparison.Ordinal);

    static string Format(double? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    static string Format(float? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
