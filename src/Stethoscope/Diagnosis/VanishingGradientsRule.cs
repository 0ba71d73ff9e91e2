namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>vanishing-gradients</c>: the first weighted layer's gradient norm is far below the last layer's, so the early
/// layers barely learn. Threshold: the median over the last <see cref="Window"/> steps of
/// ‖∇first‖ / ‖∇last‖ below <see cref="Ratio"/>. Amazon SageMaker Debugger's VanishingGradient rule uses an absolute
/// mean |gradient| below 1e-7, which depends on the loss's scale and the layer's size; a ratio between the ends of the
/// network is what the "plot gradient flow" snippets people paste are read for. Our own threshold of 1e-3: in healthy
/// runs the 20-step median stayed between 0.16 and 0.62 (the default <c>train</c> runs, seeds 0–3) and between 0.42 and
/// 2.8 (resnet-digits with SGD and with AdamW), more than two orders of magnitude above it. An exactly zero gradient is <c>zero-gradients</c>,
/// not this.
/// </summary>
public sealed class VanishingGradientsRule : DiagnosisRule
{
    public const double Ratio = 1e-3;

    public const int Window = 20;

    readonly StepWindow ratios = new(Window);
    long? below;

    public override string Id => "vanishing-gradients";

    public override string Title => "Vanishing gradients";

    public override IReadOnlyList<string> ExplainedBy => ["diverged", "zero-gradients", "dead-units"];

    public override string Suggestion =>
        "use ReLU-like activations instead of sigmoid/tanh, He/Kaiming initialisation, BatchNorm, or residual connections; a larger learning rate for the early layers";

    public override Verdict? OnStep(DiagnosisStep step)
    {
        if (step.GradientNorms.Count < 2)
            return null;
        var (first, last) = (step.GradientNorms[0], step.GradientNorms[^1]);
        if (!(first.Value > 0) || !(last.Value > 0) || !float.IsFinite(first.Value) || !float.IsFinite(last.Value))
        {
            ratios.Clear();
            below = null;
            return null;
        }
        ratios.Add(first.Value / (double)last.Value);
        var median = ratios.Median;
        below = median < Ratio ? below ?? step.Step : null;
        if (!ratios.IsFull || below is not { } since)
            return null;
        return Fire([first.Layer, last.Layer], since, step.Step,
            $"over steps {step.Step - Window + 1}–{step.Step} the gradient norm of {first.Layer} was a median {Number(median)} times that of {last.Layer} (threshold {Number(Ratio)}); at step {step.Step}: {Number(first.Value)} against {Number(last.Value)}",
            ("median_ratio", median), ("threshold", Ratio), ("first_norm", first.Value), ("last_norm", last.Value));
    }
}
