namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>zero-gradients</c>: a layer's weight gradient is exactly zero, step after step, so the layer no longer learns
/// at all — typically every unit after it is dead (ReLUs that output 0 for every input pass no gradient back).
/// Threshold: a norm of exactly 0 (Amazon SageMaker Debugger's AllZero rule) on <see cref="Steps"/> consecutive steps.
/// Our own choice of 5: one all-zero batch can happen by chance (a batch that switches no unit on); five in a row did
/// not happen in any healthy run we recorded, while the runs whose ReLUs died stay at 0 for hundreds of steps.
/// </summary>
public sealed class ZeroGradientsRule : DiagnosisRule
{
    public const int Steps = 5;

    readonly Dictionary<string, long> zeroSince = [];

    public override string Id => "zero-gradients";

    public override string Title => "Zero gradients";

    public override string Suggestion =>
        "the layers after these no longer pass any gradient back (dead ReLUs): lower the learning rate, use LeakyReLU or GELU, add BatchNorm, or re-initialise (He/Kaiming)";

    public override Verdict? OnStep(DiagnosisStep step)
    {
        foreach (var (layer, norm) in step.GradientNorms)
        {
            if (norm == 0)
                zeroSince.TryAdd(layer, step.Step);
            else
                zeroSince.Remove(layer);
        }
        var zero = step.GradientNorms.Where(n => zeroSince.TryGetValue(n.Layer, out var since) && step.Step - since + 1 >= Steps).ToArray();
        if (zero.Length == 0)
            return null;
        var first = zero.Min(n => zeroSince[n.Layer]);
        var which = zero.Length == step.GradientNorms.Count ? "every layer" : $"{zero.Length} of {step.GradientNorms.Count} layers";
        return Fire(zero.Select(n => n.Layer), first, step.Step,
            $"the weight gradients of {which} have been exactly 0 since step {first} ({step.Step - first + 1} steps in a row)",
            ("zero_layers", zero.Length), ("layers", step.GradientNorms.Count), ("steps", step.Step - first + 1));
    }
}
