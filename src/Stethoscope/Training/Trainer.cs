using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Probes;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>
/// Trains any <c>nn.Module&lt;Tensor, Tensor&gt;</c> on a <see cref="DatasetSplit"/>: a client of
/// <see cref="TrainingWatcher"/>, exactly as a user's own loop would be. Each step runs in its own dispose scope:
/// forward, loss, backward, the watcher (probes measured on the device, one host synchronisation, observers), then
/// the optimizer and the learning-rate schedule. A NaN or infinite reading ends the run as
/// <see cref="RunStatus.Diverged"/> (or is recorded and passed over with <see cref="DivergencePolicy.Continue"/>);
/// cancellation ends it as <see cref="RunStatus.Interrupted"/> between steps. The loss follows the model's
/// <see cref="Objective"/>: a registered <see cref="LayerStack"/> brings its own, any other model is trained as a
/// classifier of logits (cross-entropy) unless told otherwise.
/// </summary>
public sealed class Trainer
{
    readonly nn.Module<Tensor, Tensor> model;
    readonly Objective objective;
    readonly DatasetSplit data;
    readonly TrainingOptions options;
    readonly IProbe[] probes;
    readonly ITrainingObserver[] observers;

    public Trainer(nn.Module<Tensor, Tensor> model, DatasetSplit data, TrainingOptions options, IEnumerable<IProbe> probes, IEnumerable<ITrainingObserver> observers, Objective? objective = null)
    {
        options.Validate();
        this.objective = objective ?? (model as LayerStack)?.Objective ?? Objective.ClassScores;
        CheckCompatible(model, this.objective, data.Train);
        this.model = model;
        this.data = data;
        this.options = options;
        this.probes = [.. probes];
        this.observers = [.. observers];
    }

    /// <summary>The probes every run has: batch accuracy and the per-layer weight-gradient norms.</summary>
    public static IProbe[] StandardProbes => [new AccuracyProbe(), new GradientNormProbe()];

    public TrainingResult Run(CancellationToken cancel = default)
    {
        var device = Devices.Resolve(options.Device);
        model.to(device);
        model.train();
        using var optimizer = CreateOptimizer();
        var schedule = CreateSchedule(optimizer);
        using var trainImages = data.Train.Images.to(device);
        using var trainLabels = data.Train.Labels.to(device);
        using var testImages = data.Test.Images.to(device);
        using var testLabels = data.Test.Labels.to(device);
        var planned = options.PlannedSteps(data.Train.Count);
        using var watcher = new TrainingWatcher(model, probes, observers, new WatchSettings(
            DataDescription.Of(data), Options: options, PlannedSteps: planned, BatchesPerEpoch: options.BatchesPerEpoch(data.Train.Count),
            Loss: (output, targets) => Losses.Compute(objective, output, targets)));
        var state = new RunState();
        try
        {
            watcher.Begin(device, optimizer);
            random.manual_seed(options.Seed);
            using var order = new Generator((ulong)options.Seed);
            for (var epoch = 1; watcher.Steps < planned && !state.Stopped; epoch++)
                RunEpoch(epoch, watcher, order, optimizer, schedule, trainImages, trainLabels, testImages, testLabels, planned, state, cancel);
            if (!state.Stopped && watcher.LastEvaluation?.Step != watcher.Steps && watcher.Steps > 0)
                Evaluate(watcher, testImages, testLabels);
        }
        catch (Exception e)
        {
            watcher.Finish(RunStatus.Failed, e.Message, state.EpochsCompleted);
            throw;
        }
        return watcher.Finish(state.Status == RunStatus.Running ? null : state.Status, epochsCompleted: state.EpochsCompleted);
    }

    void RunEpoch(int epoch, TrainingWatcher watcher, Generator order, optim.Optimizer optimizer, optim.lr_scheduler.LRScheduler? schedule, Tensor images, Tensor labels, Tensor testImages, Tensor testLabels, long planned, RunState state, CancellationToken cancel)
    {
        watcher.Epoch = epoch;
        using var shuffled = randperm(data.Train.Count, generator: order);
        using var permutation = shuffled.to(images.device);
        for (long start = 0; start < data.Train.Count && watcher.Steps < planned; start += options.BatchSize)
        {
            if (cancel.IsCancellationRequested)
            {
                state.Status = RunStatus.Interrupted;
                return;
            }
            var length = Math.Min(options.BatchSize, data.Train.Count - start);
            Step(watcher, optimizer, schedule, images, labels, permutation, start, length, state);
            if (state.Stopped)
                return;
            if (options.EvalEvery is { } every && watcher.Steps % every == 0)
                Evaluate(watcher, testImages, testLabels);
        }
        if (watcher.Steps % options.BatchesPerEpoch(data.Train.Count) == 0)
        {
            state.EpochsCompleted = epoch;
            if (watcher.LastEvaluation?.Step != watcher.Steps)
                Evaluate(watcher, testImages, testLabels);
            watcher.EpochEnd(epoch);
        }
    }

    void Step(TrainingWatcher watcher, optim.Optimizer optimizer, optim.lr_scheduler.LRScheduler? schedule, Tensor images, Tensor labels, Tensor permutation, long start, long length, RunState state)
    {
        using var scope = NewDisposeScope();
        var batch = permutation.narrow(0, start, length);
        var input = images.index_select(0, batch);
        var targets = labels.index_select(0, batch);
        optimizer.zero_grad();
        var output = model.call(input);
        var loss = Losses.Compute(objective, output, targets);
        loss.backward();
        var record = watcher.Step(loss, output, targets, optimizer);
        if (!record.IsFinite && options.OnDivergence == DivergencePolicy.Stop)
        {
            state.Status = RunStatus.Diverged;
            return;
        }
        optimizer.step();
        schedule?.step();
    }

    void Evaluate(TrainingWatcher watcher, Tensor images, Tensor labels)
    {
        var (loss, accuracy) = Evaluator.Evaluate(model, objective, images, labels);
        watcher.Evaluation(loss, accuracy);
    }

    optim.Optimizer CreateOptimizer() => options.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay),
        OptimizerKind.Sgd => optim.SGD(model.parameters(), options.LearningRate, options.Momentum, nesterov: options.Nesterov, weight_decay: options.WeightDecay),
        _ => throw new StethoscopeException($"the trainer builds sgd, adam or adamw optimizers; got {options.Optimizer}"),
    };

    optim.lr_scheduler.LRScheduler? CreateSchedule(optim.Optimizer optimizer) => options.Schedule switch
    {
        ScheduleKind.Step => optim.lr_scheduler.StepLR(optimizer, options.StepEvery, 0.1),
        ScheduleKind.Cosine => optim.lr_scheduler.CosineAnnealingLR(optimizer, options.PlannedSteps(data.Train.Count)),
        _ => null,
    };

    /// <summary>Refuses a model the trainer cannot train on <paramref name="train"/> (no objective, a regression without
    /// data, a registered stack built for another input); callers check before they create anything.</summary>
    public static void CheckCompatible(nn.Module<Tensor, Tensor> model, Objective objective, ImageDataset train)
    {
        if (objective is Objective.None or Objective.Regression)
            throw new StethoscopeException(
                $"{model.GetName()} is {(objective == Objective.None ? "an analysis model with no training objective" : "a regression model and no keypoint dataset is available to train it")}; train a classifier such as mnist-net");
        if (model is LayerStack stack && stack.InputShape != train.Shape)
            throw new StethoscopeException($"{model.GetName()} was built for {stack.InputShape} inputs but {train.Name} holds {train.Shape} images");
    }

    /// <summary>How far the run got, beyond what the watcher counts.</summary>
    sealed class RunState
    {
        public int EpochsCompleted { get; set; }
        public RunStatus Status { get; set; } = RunStatus.Running;
        public bool Stopped => Status != RunStatus.Running;
    }
}
