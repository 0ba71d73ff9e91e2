using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Probes;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>
/// Trains a <see cref="LayerStack"/> on a <see cref="DatasetSplit"/>. Each step runs in its own dispose scope:
/// forward, loss, backward, then every <see cref="IProbe"/> measures on the device, the readings come to the host
/// with one synchronisation, the optimizer steps, and the <see cref="ITrainingObserver"/>s receive the numbers.
/// A NaN or infinite reading ends the run as <see cref="RunStatus.Diverged"/> (or is recorded and passed over with
/// <see cref="DivergencePolicy.Continue"/>); cancellation ends it as <see cref="RunStatus.Interrupted"/> between steps.
/// </summary>
public sealed class Trainer
{
    readonly LayerStack model;
    readonly DatasetSplit data;
    readonly TrainingOptions options;
    readonly IProbe[] probes;
    readonly ITrainingObserver[] observers;

    public Trainer(LayerStack model, DatasetSplit data, TrainingOptions options, IEnumerable<IProbe> probes, IEnumerable<ITrainingObserver> observers)
    {
        options.Validate();
        CheckCompatible(model, data.Train);
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
        var started = DateTimeOffset.Now;
        model.to(device);
        model.train();
        using var optimizer = CreateOptimizer();
        using var trainImages = data.Train.Images.to(device);
        using var trainLabels = data.Train.Labels.to(device);
        using var testImages = data.Test.Images.to(device);
        using var testLabels = data.Test.Labels.to(device);
        var planned = options.PlannedSteps(data.Train.Count);
        Notify(o => o.OnTrainingStart(new TrainingStart(model, options, data, device, planned, options.BatchesPerEpoch(data.Train.Count), started)));

        var state = new RunState();
        try
        {
            random.manual_seed(options.Seed);
            using var order = new Generator((ulong)options.Seed);
            for (var epoch = 1; state.Step < planned && !state.Stopped; epoch++)
            {
                RunEpoch(epoch, order, optimizer, trainImages, trainLabels, testImages, testLabels, planned, state, cancel);
            }
            if (!state.Stopped && state.LastEvaluation?.Step != state.Step)
                Evaluate(state, testImages, testLabels);
        }
        catch (Exception e) when (e is not StethoscopeException)
        {
            state.Status = RunStatus.Failed;
            Finish(state, started, e.Message);
            throw;
        }
        return Finish(state, started, null);
    }

    void RunEpoch(int epoch, Generator order, optim.Optimizer optimizer, Tensor images, Tensor labels, Tensor testImages, Tensor testLabels, long planned, RunState state, CancellationToken cancel)
    {
        state.Epoch = epoch;
        using var permutation = randperm(data.Train.Count, generator: order).to(images.device);
        for (long start = 0; start < data.Train.Count && state.Step < planned; start += options.BatchSize)
        {
            if (cancel.IsCancellationRequested)
            {
                state.Status = RunStatus.Interrupted;
                return;
            }
            var length = Math.Min(options.BatchSize, data.Train.Count - start);
            var record = Step(optimizer, images, labels, permutation.narrow(0, start, length), state);
            Notify(o => o.OnStep(record));
            if (state.Stopped)
                return;
            if (options.EvalEvery is { } every && state.Step % every == 0)
                Evaluate(state, testImages, testLabels);
        }
        if (state.Step % options.BatchesPerEpoch(data.Train.Count) == 0)
        {
            state.EpochsCompleted = epoch;
            if (state.LastEvaluation?.Step != state.Step)
                Evaluate(state, testImages, testLabels);
            Notify(o => o.OnEpochEnd(epoch));
        }
    }

    StepRecord Step(optim.Optimizer optimizer, Tensor images, Tensor labels, Tensor batch, RunState state)
    {
        using var scope = NewDisposeScope();
        state.Step++;
        var input = images.index_select(0, batch);
        var targets = labels.index_select(0, batch);
        var record = Measure(optimizer, input, targets, state);
        state.LastStep = record;
        if (!record.IsFinite)
        {
            state.FirstNonFiniteStep ??= state.Step;
            if (options.OnDivergence == DivergencePolicy.Stop)
            {
                state.Status = RunStatus.Diverged;
                return record;
            }
        }
        optimizer.step();
        return record;
    }

    /// <summary>Forward, loss, backward and every probe; the readings come to the host with one synchronisation.</summary>
    StepRecord Measure(optim.Optimizer optimizer, Tensor input, Tensor targets, RunState state)
    {
        optimizer.zero_grad();
        var output = model.call(input);
        var loss = Losses.Compute(model.Objective, output, targets);
        loss.backward();
        var readings = new ProbeReadings();
        readings.Add("loss", loss);
        var context = new StepContext(model, input, output, targets, loss, state.Step, state.Epoch);
        foreach (var probe in probes)
            probe.Measure(context, readings);
        return new StepRecord(state.Step, state.Epoch, options.LearningRate, state.Names(readings), readings.Fetch());
    }

    void Evaluate(RunState state, Tensor images, Tensor labels)
    {
        var (loss, accuracy) = Evaluator.Evaluate(model, images, labels);
        var record = new EvaluationRecord(state.Step, state.Epoch, loss, accuracy);
        state.LastEvaluation = record;
        Notify(o => o.OnEvaluation(record));
    }

    TrainingResult Finish(RunState state, DateTimeOffset started, string? error)
    {
        var status = state.Status switch
        {
            RunStatus.Running when state.FirstNonFiniteStep is not null => RunStatus.Diverged,
            RunStatus.Running => RunStatus.Completed,
            var s => s,
        };
        var result = new TrainingResult(status, state.Step, state.EpochsCompleted, state.FirstNonFiniteStep, state.LastStep, state.LastEvaluation, started, DateTimeOffset.Now, error);
        Notify(o => o.OnTrainingEnd(result));
        return result;
    }

    optim.Optimizer CreateOptimizer() => options.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay),
        _ => optim.SGD(model.parameters(), options.LearningRate, options.Momentum, nesterov: options.Nesterov, weight_decay: options.WeightDecay),
    };

    void Notify(Action<ITrainingObserver> action)
    {
        foreach (var observer in observers)
            action(observer);
    }

    static void CheckCompatible(LayerStack model, ImageDataset train)
    {
        if (model.Objective is Objective.None or Objective.Regression)
            throw new StethoscopeException(
                $"{model.GetName()} is {(model.Objective == Objective.None ? "an analysis model with no training objective" : "a regression model and no keypoint dataset is available to train it")}; train a classifier such as mnist-net");
        if (model.InputShape != train.Shape)
            throw new StethoscopeException($"{model.GetName()} was built for {model.InputShape} inputs but {train.Name} holds {train.Shape} images");
    }

    /// <summary>Mutable progress of one run; the reading names are kept once so every record shares them.</summary>
    sealed class RunState
    {
        string[]? names;

        public long Step { get; set; }
        public int Epoch { get; set; }
        public int EpochsCompleted { get; set; }
        public long? FirstNonFiniteStep { get; set; }
        public StepRecord? LastStep { get; set; }
        public EvaluationRecord? LastEvaluation { get; set; }
        public RunStatus Status { get; set; } = RunStatus.Running;
        public bool Stopped => Status != RunStatus.Running;

        public IReadOnlyList<string> Names(ProbeReadings readings) =>
            names is not null && names.SequenceEqual(readings.Names) ? names : names = [.. readings.Names];
    }
}
