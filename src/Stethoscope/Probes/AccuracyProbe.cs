using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>The fraction of the batch whose highest-scoring class is the label: measured when the step has class
/// scores [batch, classes] (log-probabilities or logits alike) and integer labels [batch].</summary>
public sealed class AccuracyProbe : IProbe
{
    public const string Name = "accuracy";

    public void Measure(StepContext step, ProbeReadings readings)
    {
        if (Classifies(step.Output, step.Targets))
            readings.Add(Name, BatchAccuracy(step.Output!, step.Targets!));
    }

    public static bool Classifies(Tensor? output, Tensor? targets) =>
        output is { Dimensions: 2 } && targets is { Dimensions: 1 } && targets.shape[0] == output.shape[0]
        && targets.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;

    public static Tensor BatchAccuracy(Tensor scores, Tensor labels) =>
        scores.argmax(1).eq(labels).to_type(ScalarType.Float32).mean();
}
