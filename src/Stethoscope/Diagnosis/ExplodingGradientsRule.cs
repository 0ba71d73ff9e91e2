namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>exploding-gradients</c>: a layer's gradient norm is more than <see cref="Factor"/> times its own level at the start
/// of training (the median of its first <see cref="Baseline"/> finite norms). Amazon SageMaker Debugger's
/// ExplodingTensor rule waits for NaN or infinity, which comes steps later or, on some CPUs, never (the ReLUs die
/// instead, as with <c>--lr 1.0 --batch-size 256</c> on an AMD EPYC: norms of 4e5 at step 20, then zeros). Our own
/// factor of 100: that run passed it at step 17 (conv1 487x, fc2 538x its start), three steps before its peak, while
/// healthy runs stayed within 20x of their start (the default <c>train</c> runs, seeds 0–3, at most 19.4x; resnet-digits
/// with SGD 11.8x, with AdamW at lr 3e-3 14.7x).
/// </summary>
public sealed class ExplodingGradientsRule : DiagnosisRule
{
    public const double Factor = 100;
    public const int Baseline = 10;

    readonly Dictionary<string, List<double>> starts = [];
    readonly Dictionary<string, double> levels = [];

    public override string Id => "exploding-gradients";

    public override string Title => "Exploding gradients";

    public override string Suggestion =>
        "lower the learning rate (10x), clip gradients (nn.utils.clip_grad_norm_ to about 1-5), add warm-up, BatchNorm or residual connections";

    /// <summary>Collects a layer's first finite norms; the median of <see cref="Baseline"/> of them is its level from then on.</summary>
    void Learn(string layer, float norm)
    {
        if (!starts.TryGetValue(layer, out var start))
            starts[layer] = start = [];
        if (float.IsFinite(norm))
            start.Add(norm);
        if (start.Count == Baseline)
            levels[layer] = StepWindow.Middle(start);
    }

    public override Verdict? OnStep(DiagnosisStep step)
    {
        List<(string Layer, float Norm, double Level)> exploded = [];
        foreach (var (layer, norm) in step.GradientNorms)
        {
            if (!levels.TryGetValue(layer, out var level))
            {
                Learn(layer, norm);
                continue;
            }
            if (norm > Factor * level && level > 0)
                exploded.Add((layer, norm, level));
        }
        if (exploded.Count == 0)
            return null;
        var each = string.Join(", ", exploded.Select(e => $"{e.Layer} {Number(e.Norm)} ({Number(e.Norm / e.Level)}x its start {Number(e.Level)})"));
        var worst = exploded.MaxBy(e => e.Norm / e.Level);
        return Fire(exploded.Select(e => e.Layer), step.Step, step.Step,
            $"gradient norms more than {Number(Factor)} times their level over the first {Baseline} steps at step {step.Step}: {each}",
            [("factor", Factor), ("max_growth", worst.Norm / worst.Level), .. exploded.Select(e => (e.Layer, (double)e.Norm))]);
    }
}
