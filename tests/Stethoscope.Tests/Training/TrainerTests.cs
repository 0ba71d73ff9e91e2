using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Training;

namespace Stethoscope.Tests.Training;

public class TrainerTests
{
    sealed class Collect : ITrainingObserver
    {
        public List<StepRecord> Steps { get; } = [];
        public List<EvaluationRecord> Evaluations { get; } = [];
        public Action<StepRecord>? After { get; init; }

        public void OnStep(StepRecord step)
        {
            Steps.Add(step);
            After?.Invoke(step);
        }

        public void OnEvaluation(EvaluationRecord evaluation) => Evaluations.Add(evaluation);
    }

    static (TrainingResult Result, Collect Seen) Train(DatasetSplit data, TrainingOptions options, CancellationToken cancel = default, Action<StepRecord>? after = null)
    {
        using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, data.Train.Classes), options.Seed);
        var seen = new Collect { After = after };
        var result = new Trainer(model, data, options, Trainer.StandardProbes, [seen]).Run(cancel);
        return (result, seen);
    }

    [Fact]
    public void Learns_the_synthetic_bars_and_records_loss_accuracy_and_every_layer_gradient_norm()
    {
        using var data = SyntheticBars.Create(trainCount: 256, testCount: 64, seed: 1);
        var (result, seen) = Train(data, new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 0.05, Momentum = 0.9, Device = DeviceChoice.Cpu });
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(24, result.Steps);
        Assert.Equal(["loss", "accuracy", "grad_norm/conv1", "grad_norm/conv2", "grad_norm/fc1", "grad_norm/fc2"], seen.Steps[0].Names);
        Assert.Equal([8L, 16L, 24L], seen.Evaluations.Select(e => e.Step));
        Assert.True(result.LastEvaluation!.Accuracy > 0.9, $"test accuracy {result.LastEvaluation.Accuracy}");
        Assert.All(seen.Steps, s => Assert.True(s["grad_norm/conv1"] > 0));
    }

    [Fact]
    public void The_same_seed_gives_the_same_metrics()
    {
        using var data = SyntheticBars.Create(trainCount: 128, testCount: 32, seed: 2);
        var options = new TrainingOptions { MaxSteps = 12, Epochs = null, BatchSize = 16, Seed = 7, Device = DeviceChoice.Cpu };
        var first = Train(data, options).Seen.Steps.Select(s => s.Values).ToArray();
        var second = Train(data, options).Seen.Steps.Select(s => s.Values).ToArray();
        var other = Train(data, options with { Seed = 8 }).Seen.Steps.Select(s => s.Values).ToArray();
        Assert.Equal(first, second);
        Assert.NotEqual(first[0], other[0]);
    }

    [Fact]
    public void Cancellation_stops_between_steps_as_interrupted()
    {
        using var data = SyntheticBars.Create(trainCount: 256, testCount: 32);
        using var cancel = new CancellationTokenSource();
        var (result, seen) = Train(data, new TrainingOptions { Epochs = 5, BatchSize = 16, Device = DeviceChoice.Cpu }, cancel.Token, s =>
        {
            if (s.Step == 5)
                cancel.Cancel();
        });
        Assert.Equal(RunStatus.Interrupted, result.Status);
        Assert.Equal(5, result.Steps);
        Assert.Equal(5, seen.Steps.Count);
    }

    [Fact]
    public void Options_out_of_range_and_mismatched_data_are_refused()
    {
        Assert.Contains("batch size", Assert.Throws<InvalidOptionException>(() => new TrainingOptions { BatchSize = 0 }.Validate()).Message);
        Assert.Contains("momentum", Assert.Throws<InvalidOptionException>(() => new TrainingOptions { Momentum = 1.5 }.Validate()).Message);
        using var data = SyntheticBars.Create(trainCount: 16, testCount: 8);
        using var vgg = Vgg16.Build(new ModelRequest(new InputShape(3, 32, 32)));
        var error = Assert.Throws<StethoscopeException>(() => new Trainer(vgg, data, new TrainingOptions(), [], []));
        Assert.Contains("built for 3x32x32 inputs", error.Message);
        using var keypoints = KeypointsNet.Build(new ModelRequest(new InputShape(1, 96, 96)));
        Assert.Contains("regression model", Assert.Throws<StethoscopeException>(() => new Trainer(keypoints, data, new TrainingOptions(), [], [])).Message);
    }

    [Fact]
    public void Probe_readings_come_back_in_order_with_one_fetch()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        var readings = new ProbeReadings();
        readings.Add("a", TorchSharp.torch.tensor(1.5));
        readings.Add("b", TorchSharp.torch.tensor(2L));
        Assert.Equal(["a", "b"], readings.Names);
        Assert.Equal([1.5f, 2f], readings.Fetch());
    }
}
