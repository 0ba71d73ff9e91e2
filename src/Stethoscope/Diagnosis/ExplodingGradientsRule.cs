namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>exploding-gradients</c>: a layer's gradient norm is more than <see cref="Factor"/> times its own level at the start
/// of training (the median of its first <see cref="Baseline"/> finite norms). Amazon SageMaker Debugger's
/// ExplodingTensor rule waits for NaN or infinity, which comes steps later or, on some CPUs, never (the ReLUs die
/// instead, as with <c>--lr 1.0 --batch-size 256</c> on an AMD EPYC). Our own numbers, measured on the bundled digits:
/// that run (SGD, momentum 0.9) grew from about 0.5 to 93 (conv2) and 76 (fc1) by step 12 and was dead at step 13, so
/// the start is taken over 5 steps, not 10 (a median over 10 steps already held the blow-up and saw at most 100x), and
/// the factor is 50 (conv1 90x its start at step 10, fc1 125x at step 12); healthy runs stayed within 17x of a 5-step
/// start (the default <c>train</c> runs, seeds 0–3, at most 16.7x; one epoch of full MNIST 11.5x; with the earlier
/// defaults at most 19.4x of a 10-step start, resnet-digits with SGD 11.8x, with AdamW at lr 3e-3 14.7x).
/// </summary>
public sealed class ExplodingGradientsRule : DiagnosisRule
{
    public const double Factor = 50;
    public const int Baseline = 5;

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
