using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>The fraction of the batch whose highest-scoring class is the label (classification models only).</summary>
public sealed class AccuracyProbe : IProbe
{
    public const string Name = "accuracy";

    public void Measure(StepContext step, ProbeReadings readings)
    {
        if (step.Model.Objective is Objective.LogProbabilities or Objective.ClassScores)
            readings.Add(Name, BatchAccuracy(step.Output, step.Targets));
    }

    public static Tensor BatchAccuracy(Tensor scores, Tensor labels) =>
        scores.argmax(1).eq(labels).to_type(ScalarType.Float32).mean();
}
