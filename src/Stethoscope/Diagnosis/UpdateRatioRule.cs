namespace Stethoscope.Diagnosis;

/// <summary>
/// The update-to-weight ratio ‖Δw‖/‖w‖ of each layer (<c>dist/weight/&lt;layer&gt;/update_ratio</c>, sampled every N
/// steps by the distribution probe) far from the rule of thumb's 1e-3 (Karpathy, CS231n "Neural Networks Part 3":
/// "somewhere around 1e-3; if it is lower than this then the learning rate might be too low, if higher then it is
/// likely too high"). A layer beyond the threshold on <see cref="Samples"/> samples in a row fires the rule, naming
/// every layer in that state. Samples where the learning rate is below half the largest seen so far, or rising, are not
/// judged: warm-ups and annealed tails are small on purpose.
/// </summary>
public abstract class UpdateRatioRule : DiagnosisRule
{
    public const int Samples = 3;

    readonly Dictionary<string, (long Since, int Count)> streaks = [];
    double largestRate = double.NegativeInfinity;
    double previousRate = double.NaN;

    /// <summary>Whether <paramref name="ratio"/> is beyond the threshold, on this rule's side (compared in float, the
    /// readings' precision: a ratio recorded as 1e-4 is at the threshold, not below it).</summary>
    protected abstract bool Beyond(float ratio);

    public abstract double Threshold { get; }

    /// <summary>"above" or "below".</summary>
    protected abstract string Side { get; }

    /// <summary>Whether a layer's ratio may be judged at this step (the low side leaves out layers with no gradient).</summary>
    protected virtual bool Judged(DiagnosisStep step, string layer) => true;

    public override Verdict? OnStep(DiagnosisStep step)
    {
        if (step.UpdateRatios.Count == 0)
            return null;
        if (!ScheduleAllows(step.Record.LearningRate))
        {
            streaks.Clear();
            return null;
        }
        foreach (var (layer, ratio) in step.UpdateRatios)
        {
            if (float.IsFinite(ratio) && Beyond(ratio) && Judged(step, layer))
                streaks[layer] = streaks.TryGetValue(layer, out var s) ? (s.Since, s.Count + 1) : (step.Step, 1);
            else
                streaks.Remove(layer);
        }
        var hit = step.UpdateRatios.Where(r => streaks.TryGetValue(r.Layer, out var s) && s.Count >= Samples).ToArray();
        if (hit.Length == 0)
            return null;
        var first = hit.Min(r => streaks[r.Layer].Since);
        var each = string.Join(", ", hit.Select(r => $"{r.Layer} {Number(r.Value)}"));
        var rate = double.IsFinite(step.Record.LearningRate) ? $" at learning rate {Number(step.Record.LearningRate)}" : "";
        return Fire(hit.Select(r => r.Layer), first, step.Step,
            $"update-to-weight ratio ‖Δw‖/‖w‖ {Side} {Number(Threshold)} on {Samples} samples in a row since step {first}{rate}: at step {step.Step} {each} (rule of thumb: about 1e-3)",
            [("threshold", Threshold), ("learning_rate", step.Record.LearningRate), .. hit.Select(r => (r.Layer, (double)r.Value))]);
    }

    bool ScheduleAllows(double rate)
    {
        if (!double.IsFinite(rate))
            return true;
        largestRate = Math.Max(largestRate, rate);
        var rising = rate > previousRate;
        previousRate = rate;
        return !rising && rate >= largestRate / 2;
    }
}

/// <summary>
/// <c>update-ratio-high</c>: a layer's weights change by more than <see cref="Ratio"/> of their size per step, three
/// samples in a row: the learning rate is too large for it. Threshold: our own, 1e-1 (a step that moves the weights by a
/// tenth of their norm), two orders of magnitude above the rule of thumb's 1e-3; Amazon SageMaker Debugger's
/// WeightUpdateRatio uses 10, which only a run already exploding reaches. Measured: the default <c>train</c> runs (seeds
/// 0–3) at most 0.042, resnet-digits with SGD 0.038, with AdamW at lr 3e-3 0.011 (Adam moves every weight by about the
/// learning rate, so its ratio is about lr / typical |w|).
/// </summary>
public sealed class UpdateRatioHighRule : UpdateRatioRule
{
    public const double Ratio = 1e-1;

    public override string Id => "update-ratio-high";

    public override string Title => "Update ratio too high";

    public override double Threshold => Ratio;

    protected override string Side => "above";

    public override IReadOnlyList<string> ExplainedBy => ["diverged", "exploding-gradients"];

    public override string Suggestion => "the learning rate is likely too large for these layers: lower it (3-10x), or add warm-up and gradient clipping";

    protected override bool Beyond(float ratio) => ratio > (float)Ratio;
}

/// <summary>
/// <c>update-ratio-low</c>: a layer's weights change by less than <see cref="Ratio"/> of their size per step, three
/// samples in a row, while its gradient is not zero and the training loss (mean of the last 50 steps) is still above
/// half its start (mean of the first 10): the learning rate is too small. A zero gradient is <c>zero-gradients</c>; a
/// network that has learned has small gradients and so small updates on purpose (100 memorised digits, loss 5e-4, had
/// fc1 at 6e-5). Threshold: our own, 1e-4, an order of magnitude below the rule of thumb's 1e-3; Amazon
/// SageMaker Debugger's WeightUpdateRatio uses 1e-8, which flags only weights that do not move at all. Measured: the
/// default <c>train</c> runs' ratios (seeds 0–3) never went below 4.3e-4 (resnet-digits: 9.9e-4 with SGD and with
/// AdamW), while at
/// <c>--lr 0.0005</c> conv1 sat at 3.7–5.8e-5 and fc1 at 4.9–6.2e-5 (conv2 and fc2 at 1.1–3.2e-4, above it).
/// </summary>
public sealed class UpdateRatioLowRule : UpdateRatioRule
{
    public const double Ratio = 1e-4;

    public override string Id => "update-ratio-low";

    public override string Title => "Update ratio too low";

    public override double Threshold => Ratio;

    protected override string Side => "below";

    public override IReadOnlyList<string> ExplainedBy => ["diverged", "zero-gradients", "dead-units"];

    public override string Suggestion => "the learning rate is likely too small: raise it (10x steps, or a learning-rate range test), or use Adam";

    /// <summary>The share of its start the training loss must still be at for small updates to mean a small learning rate.</summary>
    public const double Unlearned = 0.5;

    readonly StepWindow start = new(LossNotDecreasingRule.Start);
    readonly StepWindow recent = new(LossNotDecreasingRule.Window);

    protected override bool Beyond(float ratio) => ratio < (float)Ratio;

    public override Verdict? OnStep(DiagnosisStep step)
    {
        if (!start.IsFull)
            start.Add(step.Loss);
        recent.Add(step.Loss);
        return base.OnStep(step);
    }

    protected override bool Judged(DiagnosisStep step, string layer) =>
        step.GradientNorms.Any(n => n.Layer == layer && n.Value > 0) && !(recent.Mean < Unlearned * start.Mean);
}
