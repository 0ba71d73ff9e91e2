using Stethoscope.Models;
using Stethoscope.Probes;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>What a <see cref="TrainingWatcher"/> cannot see for itself; everything is optional in a user's own loop.</summary>
/// <param name="Data">The data, or null: a user's loop is described by <paramref name="DataName"/> and the input shape the model saw.</param>
/// <param name="DataName">The data's name in run.json when <paramref name="Data"/> is null.</param>
/// <param name="Input">The input shape; null: taken from the first input that goes through the model's <c>call()</c>.</param>
/// <param name="Options">The settings, when a trainer knows them; null: read off the optimizer at the first step.</param>
/// <param name="Normalization">How inputs were normalised, recorded when <paramref name="Data"/> is null.</param>
/// <param name="PlannedSteps">Steps the loop will take, when known (progress bars use it).</param>
/// <param name="BatchesPerEpoch">Steps per epoch, when known.</param>
/// <param name="Loss">The loss of an output and its targets, as the loop computes it; null when not given. With it (and
/// the targets passed to <c>Step</c>), the replay of a non-finite step follows NaN/inf backward through every module;
/// without it, through the parameters' gradients only (<see cref="NonFiniteReplay"/>).</param>
public sealed record WatchSettings(
    DataDescription? Data = null,
    string DataName = "custom",
    InputShape? Input = null,
    TrainingOptions? Options = null,
    Data.Normalization? Normalization = null,
    long? PlannedSteps = null,
    long? BatchesPerEpoch = null,
    Func<Tensor, Tensor, Tensor>? Loss = null);

/// <summary>
/// Watches any model trained by any loop, in the manner of <c>wandb.watch</c>: call <see cref="Step"/> once per step
/// after <c>backward()</c> and before <c>optimizer.step()</c>, <see cref="Evaluation"/> after each evaluation, and
/// <see cref="Finish"/> at the end. At the first step the model is traced once (<see cref="ModelTrace"/>) to find its
/// weighted layers in forward order; every step the probes measure on the device and all their readings come to the
/// host with one synchronisation, inside a dispose scope, and the observers (run folder, sound, progress) receive
/// the numbers. The built-in <see cref="Trainer"/> is one user of this class. A NaN or infinite reading is recorded,
/// never thrown: <see cref="FirstNonFiniteStep"/> says when, the step is replayed to find where the first NaN/inf came
/// from (<see cref="NonFiniteOrigin"/>), and the run ends <c>diverged</c>. Forward probes (<see cref="IForwardProbe"/>)
/// are attached when the watcher is created, so they see the first step's forward pass. A failing observer
/// ends the run <c>failed</c> with the reason in run.json before the exception goes on.
/// </summary>
public sealed class TrainingWatcher : IDisposable
{
    /// <summary>The reading of each step's loss, as metrics.csv names its column.</summary>
    public const string LossName = "loss";

    readonly nn.Module<Tensor, Tensor> model;
    readonly IProbe[] probes;
    readonly ITrainingObserver[] observers;
    readonly WatchSettings settings;
    readonly IDisposable[] owned;
    readonly DateTimeOffset started = DateTimeOffset.Now;
    readonly NonFiniteReplay replay;
    readonly List<IDisposable> attachments;
    Action? removeInputHook;
    InputShape? seenInput;
    string[]? names;
    TrainingResult? result;

    /// <param name="model">Any module; its weighted layers are found at the first step.</param>
    /// <param name="probes">What to measure every step.</param>
    /// <param name="observers">Who receives the numbers.</param>
    /// <param name="settings">What the watcher cannot see for itself.</param>
    /// <param name="owned">Parts the watcher disposes when it is disposed (probes and observers it was given to keep).</param>
    public TrainingWatcher(nn.Module<Tensor, Tensor> model, IEnumerable<IProbe> probes, IEnumerable<ITrainingObserver> observers, WatchSettings? settings = null, IEnumerable<IDisposable>? owned = null)
    {
        this.owned = [.. owned ?? []];
        this.model = model;
        this.probes = [.. probes];
        this.observers = [.. observers];
        this.settings = settings ?? new WatchSettings();
        if (this.settings.Input is null && this.settings.Data is null)
            removeInputHook = model.register_forward_pre_hook((_, input) =>
            {
                if (seenInput is null && input.dim() == 4)
                    seenInput = new InputShape((int)input.shape[1], (int)input.shape[2], (int)input.shape[3]);
                return input;
            }).remove;
        replay = new NonFiniteReplay(model, this.settings.Loss);
        attachments = [.. this.probes.OfType<IForwardProbe>().Select(p => p.Attach(model, ForwardStep))];
    }

    /// <summary>The training step whose forward pass runs now: the next one; none while replaying or after the end.</summary>
    long? ForwardStep() => replay.Replaying || result is not null ? null : Steps + 1;

    /// <summary>The model's layers, known from the first step on.</summary>
    public ModelTrace? Layers { get; private set; }

    public long Steps { get; private set; }

    public int Epoch { get; set; }

    public long? FirstNonFiniteStep { get; private set; }

    /// <summary>Where the first non-finite value came from, found by replaying <see cref="FirstNonFiniteStep"/>.</summary>
    public NonFiniteOrigin? NonFiniteOrigin { get; private set; }

    public StepRecord? LastStep { get; private set; }

    public EvaluationRecord? LastEvaluation { get; private set; }

    /// <summary>One line per problem seen while tracing the model (a layer whose hooks never fire).</summary>
    public IReadOnlyList<string> Warnings => Layers?.Warnings ?? [];

    /// <summary>
    /// Measures one step: call after <c>loss.backward()</c> and before <c>optimizer.step()</c>. With the output and
    /// integer targets of a classifier the batch accuracy is recorded too; with the optimizer its current learning
    /// rate (so schedules show). Returns the step's numbers on the host.
    /// </summary>
    public StepRecord Step(Tensor loss, Tensor? output = null, Tensor? targets = null, optim.Optimizer? optimizer = null)
    {
        ObjectDisposedException.ThrowIf(result is not null, this);
        return Guard(() =>
        {
            Steps++;
            if (Layers is null)
                Start(loss.device, output, optimizer);
            using var scope = NewDisposeScope();
            var readings = new ProbeReadings();
            readings.Add(LossName, loss.detach());
            var context = new StepContext(model, Layers!.Weighted, loss, output, targets, Steps, Epoch);
            foreach (var probe in probes)
                probe.Measure(context, readings);
            var learningRate = optimizer is null ? settings.Options?.LearningRate ?? double.NaN : CurrentLearningRate(optimizer);
            var record = new StepRecord(Steps, Epoch, learningRate, Names(readings), readings.Fetch());
            var previous = LastStep;
            LastStep = record;
            NonFiniteOrigin? origin = null;
            if (!record.IsFinite && FirstNonFiniteStep is null)
            {
                FirstNonFiniteStep = Steps;
                // Now, before the optimizer step: the weights are still those of this step's forward pass.
                NonFiniteOrigin = origin = replay.Locate(record, previous, targets, Layers);
            }
            Notify(o => o.OnStep(record));
            if (origin is not null)
                Notify(o => o.OnNonFiniteOrigin(origin));
            return record;
        });
    }

    /// <summary>Records an evaluation on held-out data at the current step.</summary>
    public EvaluationRecord Evaluation(double loss, double? accuracy = null)
    {
        ObjectDisposedException.ThrowIf(result is not null, this);
        var record = new EvaluationRecord(Steps, Epoch, loss, accuracy);
        LastEvaluation = record;
        Guard(() => Notify(o => o.OnEvaluation(record)));
        return record;
    }

    /// <summary>Marks the end of an epoch (files are flushed).</summary>
    public void EpochEnd(int epoch)
    {
        Epoch = epoch;
        Guard(() => Notify(o => o.OnEpochEnd(epoch)));
    }

    /// <summary>
    /// Ends the run: <paramref name="status"/> null means completed, or diverged when a non-finite value was seen.
    /// Observers write their final files (run.json's status, the final checkpoint). A second call returns the first result.
    /// </summary>
    public TrainingResult Finish(RunStatus? status = null, string? error = null, int? epochsCompleted = null)
    {
        if (result is not null)
            return result;
        RemoveInputHook();
        Detach();
        var final = status ?? (FirstNonFiniteStep is null ? RunStatus.Completed : RunStatus.Diverged);
        result = new TrainingResult(final, Steps, epochsCompleted ?? Epoch, FirstNonFiniteStep, LastStep, LastEvaluation, started, DateTimeOffset.Now, error, NonFiniteOrigin);
        if (Layers is null && final != RunStatus.Failed)
            return result;
        List<Exception> failures = [];
        foreach (var observer in observers)
        {
            try
            {
                observer.OnTrainingEnd(result);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        if (failures.Count > 0)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        return result;
    }

    /// <summary>Ends a run that was not finished as <c>interrupted</c>: a loop left by an exception or a break.</summary>
    public void Dispose()
    {
        try
        {
            // Disposing may happen while the user's own exception unwinds: an observer's failure must not replace it.
            if (result is null)
                TryFinish(RunStatus.Interrupted, null);
        }
        finally
        {
            RemoveInputHook();
            Detach();
            foreach (var part in owned)
                part.Dispose();
        }
    }

    /// <summary>
    /// Starts the run before the first step (run.json and the initial checkpoint are written now, not at step 1): for
    /// a loop that knows its input shape. Without it the run starts at the first <see cref="Step"/>.
    /// </summary>
    public void Begin(Device device, optim.Optimizer? optimizer = null)
    {
        ObjectDisposedException.ThrowIf(result is not null, this);
        if (Layers is null)
            Guard(() => Start(device, null, optimizer));
    }

    void Start(Device device, Tensor? output, optim.Optimizer? optimizer)
    {
        RemoveInputHook();
        var input = settings.Input ?? settings.Data?.Shape ?? seenInput;
        Layers = Trace(input);
        var data = settings.Data ?? new DataDescription(settings.DataName, 0, 0, input ?? default, output is { Dimensions: 2 } ? (int)output.shape[1] : 0, settings.Normalization);
        var options = settings.Options ?? OptionsOf(optimizer, output);
        var start = new TrainingStart(model, Layers, options, data, device, settings.PlannedSteps, settings.BatchesPerEpoch, started);
        Notify(o => o.OnTrainingStart(start));
    }

    /// <summary>The model's layers from one traced pass; a model the tracing input does not fit (a batch size or
    /// input rank built into its code) is still watched, its layers in registration order, and the reason is a warning.</summary>
    ModelTrace Trace(InputShape? input)
    {
        if (input is not { } shape)
            return ModelTrace.Untraced(model, $"no 4-d input went through {model.GetName()}.call() before the first step and no input shape was given: layers are in registration order, shapes unknown");
        try
        {
            return ModelTrace.Of(model, shape);
        }
        catch (StethoscopeException e)
        {
            return ModelTrace.Untraced(model, $"tracing one {shape} input failed ({e.Message}): layers are in registration order, shapes unknown");
        }
    }

    /// <summary>A user's loop has no <see cref="TrainingOptions"/>: what run.json needs is read off the optimizer and the batch.</summary>
    static TrainingOptions OptionsOf(optim.Optimizer? optimizer, Tensor? output)
    {
        var kind = optimizer switch
        {
            TorchSharp.Modules.SGD => OptimizerKind.Sgd,
            TorchSharp.Modules.AdamW => OptimizerKind.AdamW,
            TorchSharp.Modules.Adam => OptimizerKind.Adam,
            _ => OptimizerKind.Other,
        };
        var (momentum, nesterov, weightDecay) = (optimizer?.ParamGroups.FirstOrDefault() as TorchSharp.Modules.ParamGroup)?.Options switch
        {
            TorchSharp.Modules.SGD.Options o => (o.momentum ?? 0, o.nesterov ?? false, o.weight_decay ?? 0),
            TorchSharp.Modules.AdamW.Options o => (0, false, o.weight_decay ?? 0),
            TorchSharp.Modules.Adam.Options o => (0, false, o.weight_decay ?? 0),
            _ => (0.0, false, 0.0),
        };
        return new TrainingOptions
        {
            Optimizer = kind,
            LearningRate = optimizer is null ? double.NaN : optimizer.ParamGroups.First().InitialLearningRate,
            Momentum = momentum,
            Nesterov = nesterov,
            WeightDecay = weightDecay,
            BatchSize = output is null ? 0 : (int)output.shape[0],
            Epochs = null,
            OnDivergence = DivergencePolicy.Continue,
        };
    }

    static double CurrentLearningRate(optim.Optimizer optimizer) => optimizer.ParamGroups.First().LearningRate;

    IReadOnlyList<string> Names(ProbeReadings readings) =>
        names is not null && names.SequenceEqual(readings.Names) ? names : names = [.. readings.Names];

    void Notify(Action<ITrainingObserver> action)
    {
        foreach (var observer in observers)
            action(observer);
    }

    /// <summary>Runs <paramref name="action"/>; any failure ends the run as failed (so run.json never stays "running") and goes on.</summary>
    T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            TryFinishFailed(e);
            throw;
        }
    }

    void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });

    void TryFinishFailed(Exception e) => TryFinish(RunStatus.Failed, e.Message);

    void TryFinish(RunStatus status, string? error)
    {
        if (result is not null)
            return;
        try
        {
            Finish(status, error);
        }
        catch (Exception)
        {
            // The original failure is the one to report; an observer failing again while closing adds nothing.
        }
    }

    void RemoveInputHook()
    {
        removeInputHook?.Invoke();
        removeInputHook = null;
    }

    /// <summary>Removes the forward probes' hooks and the replay's input copy; a second call does nothing.</summary>
    void Detach()
    {
        foreach (var attachment in attachments)
            attachment.Dispose();
        attachments.Clear();
        replay.Dispose();
    }
}
