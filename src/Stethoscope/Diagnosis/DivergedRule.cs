using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>diverged</c>: the loss or any reading became NaN or infinite. Threshold: a single non-finite value, as Amazon
/// SageMaker Debugger's ExplodingTensor rule and Keras's TerminateOnNaN (which watches only the loss) do; once one
/// value is NaN every later step inherits it. The verdict names the first non-finite step and the layers whose
/// gradient norms were non-finite there; <see cref="RunDiagnosis"/> adds the module where the first NaN/inf was made
/// when run.json holds <c>non_finite_origin</c>.
/// </summary>
public sealed class DivergedRule : DiagnosisRule
{
    float lastFiniteLoss = float.NaN;
    long lastFiniteStep;

    public const string RuleId = "diverged";

    public override string Id => RuleId;

    public override string Title => "Training diverged";

    public override string Suggestion =>
        "lower the learning rate (10x), clip gradients (nn.utils.clip_grad_norm_), warm the learning rate up, and check the inputs for NaN or infinite values";

    public override Verdict? OnStep(DiagnosisStep step)
    {
        if (step.NonFinite.Count == 0)
        {
            lastFiniteLoss = step.Loss;
            lastFiniteStep = step.Step;
            return null;
        }
        var layers = step.GradientNorms.Where(n => !float.IsFinite(n.Value)).Select(n => n.Layer).ToArray();
        var what = float.IsFinite(step.Loss) ? $"the loss was still finite ({Number(step.Loss)}) but" : $"the loss became {Number(step.Loss)} and";
        var readings = layers.Length > 0 ? $"the gradient norms of {string.Join(", ", layers)} were not finite" : $"{step.NonFinite.Count} readings were not finite ({string.Join(", ", step.NonFinite.Take(3))}{(step.NonFinite.Count > 3 ? ", …" : "")})";
        var before = lastFiniteStep > 0 ? $"; the last finite step, {lastFiniteStep}, had loss {Number(lastFiniteLoss)}" : "";
        return Fire(layers, step.Step, step.Step, $"at step {step.Step} {what} {readings}{before}",
            ("non_finite_readings", step.NonFinite.Count), ("last_finite_step", lastFiniteStep), ("last_finite_loss", lastFiniteLoss));
    }

    /// <summary>The verdict with where the first NaN/inf was made (the replay's <see cref="NonFiniteOrigin"/>): that module
    /// becomes its layer, and the origin's line, as train's summary and the report word it, follows its evidence.</summary>
    public static Verdict Explain(Verdict diverged, NonFiniteOrigin origin) => diverged with
    {
        Layers = origin.Module is null ? diverged.Layers : [origin.Module],
        Evidence = $"{diverged.Evidence}; first NaN/inf: {origin.Line().TrimEnd('.')}",
    };
}
