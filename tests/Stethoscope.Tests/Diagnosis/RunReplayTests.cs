using Stethoscope.Data;
using Stethoscope.Diagnosis;
using Stethoscope.Training;

namespace Stethoscope.Tests.Diagnosis;

public class RunReplayTests
{
    sealed class Recording : ITrainingObserver
    {
        public List<object> Events { get; } = [];

        public void OnStep(StepRecord step) => Events.Add(step);

        public void OnEvaluation(EvaluationRecord evaluation) => Events.Add(evaluation);
    }

    [Fact]
    public void Steps_come_back_with_their_live_names_and_evaluations_after_their_step()
    {
        using var constructed = new ConstructedRun()
            .Metrics(20, s => 2f / s, (s, layer) => layer == "fc2" && s == 3 ? "" : s == 4 ? "NaN" : "0.25")
            .Evaluations((10, 0.5), (20, 0.25))
            .Activations(20, 10, (s, layer) => layer == "relu1" ? 0.75f : 0f);
        var recording = new Recording();
        RunReplay.Play(constructed.Run, recording);
        var steps = recording.Events.OfType<StepRecord>().ToArray();
        Assert.Equal(20, steps.Length);
        Assert.Equal(["loss", "accuracy", "grad_norm/conv1", "grad_norm/conv2", "grad_norm/fc1", "grad_norm/fc2",
            "act/conv1/mean", "act/conv1/std", "act/conv1/zero_fraction", "act/relu1/mean", "act/relu1/std", "act/relu1/zero_fraction", "act/relu1/dead_fraction",
            "act/relu3/mean", "act/relu3/std", "act/relu3/zero_fraction", "act/relu3/dead_fraction"], steps[0].Names);
        Assert.Equal(0.05, steps[0].LearningRate);
        Assert.Null(steps[2]["grad_norm/fc2"]);      // an empty cell: not measured
        Assert.True(float.IsNaN(steps[3]["grad_norm/conv1"]!.Value)); // "NaN": measured, and NaN
        Assert.Equal(0.75f, steps[9]["act/relu1/dead_fraction"]);
        Assert.Same(steps[4].Names, steps[5].Names); // unchanged names are one list, as live
        var order = recording.Events.Select(e => e is EvaluationRecord ev ? $"eval{ev.Step}" : $"{((StepRecord)e).Step}").ToArray();
        Assert.Equal(["9", "10", "eval10", "11"], order[8..12]);
        Assert.Equal("eval20", order[^1]);
    }

    [Fact]
    public void Dead_units_are_diagnosed_from_a_constructed_activations_file()
    {
        using var constructed = new ConstructedRun()
            .Metrics(100, s => 2f / (1 + s / 10f), (_, _) => "0.5")
            .Activations(100, 10, (s, layer) => layer == "relu3" && s >= 40 ? 0.98f : 0.02f);
        var diagnosis = RunDiagnosis.Of(constructed.Run);
        var verdict = Assert.Single(diagnosis.Verdicts);
        Assert.Equal(("dead-units", 40L, 60L), (verdict.Rule, verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(["relu3"], verdict.Layers);
        Assert.Equal(100, diagnosis.Steps);
    }

    [Fact]
    public void A_damaged_file_is_one_clear_error_naming_it()
    {
        using var constructed = new ConstructedRun().Metrics(5, _ => 1f, (_, _) => "1");
        File.AppendAllText(constructed.Run.MetricsCsv, "6,1,x,0.5,0.05,1,1,1,1\n");
        var error = Assert.Throws<DataFormatException>(() => RunDiagnosis.Of(constructed.Run));
        Assert.Contains("line 7: 'x' is not a number", error.Message);
        using var other = new ConstructedRun().Metrics(5, _ => 1f, (_, _) => "1");
        File.WriteAllText(Path.Combine(other.Root, "activations.csv"), "step,layer\n1,relu1\n");
        Assert.Contains("not an activation statistics file", Assert.Throws<DataFormatException>(() => RunDiagnosis.Of(other.Run)).Message);
        File.Delete(Path.Combine(other.Root, "activations.csv"));
        File.WriteAllText(other.Run.EvalCsv, "step,loss\n");
        Assert.Contains("not an evaluation file", Assert.Throws<DataFormatException>(() => RunDiagnosis.Of(other.Run)).Message);
    }
}
