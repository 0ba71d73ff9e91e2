using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class UpdateRatioRuleTests
{
    /// <summary>Update ratios every 50 steps, as the distribution probe samples them by default.</summary>
    static IEnumerable<Stethoscope.Training.StepRecord> Sampled(Func<long, float> ratio, Func<long, double>? rate = null, float norm = 1f, int steps = 400) =>
        Steps(steps, i => i % 50 == 0 ? [Norm("conv1", norm), Norm("fc", norm), UpdateRatio("conv1", ratio(i)), UpdateRatio("fc", 1e-3f)] : [Norm("conv1", norm), Norm("fc", norm)], learningRate: rate);

    [Fact]
    public void High_fires_above_a_tenth_on_three_samples_in_a_row()
    {
        Assert.Null(Feed(new UpdateRatioHighRule(), Sampled(_ => 0.1f)));
        Assert.Null(Feed(new UpdateRatioHighRule(), Sampled(i => i % 150 == 0 ? 0.05f : 0.2f)));
        var verdict = Feed(new UpdateRatioHighRule(), Sampled(i => i >= 100 ? 0.11f : 1e-3f));
        Assert.NotNull(verdict);
        Assert.Equal(("update-ratio-high", 100L, 200L), (verdict.Rule, verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(["conv1"], verdict.Layers);
        Assert.Equal(0.11, verdict.Values["conv1"], 6);
    }

    [Fact]
    public void Low_fires_below_a_ten_thousandth_on_three_samples_in_a_row()
    {
        Assert.Null(Feed(new UpdateRatioLowRule(), Sampled(_ => 1e-4f)));
        var verdict = Feed(new UpdateRatioLowRule(), Sampled(_ => 0.9e-4f));
        Assert.Equal(("update-ratio-low", 50L, 150L), (verdict!.Rule, verdict.FirstStep, verdict.DetectedStep));
    }

    [Fact]
    public void A_layer_with_a_zero_gradient_is_left_to_the_zero_gradient_rule()
    {
        Assert.Null(Feed(new UpdateRatioLowRule(), Sampled(_ => 0f, norm: 0f)));
    }

    [Fact]
    public void A_network_that_has_learned_is_not_told_its_learning_rate_is_too_small()
    {
        // The loss falls from 2 to 0.1: tiny updates are tiny gradients, not a small learning rate.
        Assert.Null(Feed(new UpdateRatioLowRule(), Steps(400, i => i % 50 == 0 ? [Norm("conv1", 1e-3f), UpdateRatio("conv1", 1e-6f)] : [Norm("conv1", 1e-3f)], loss: i => i <= 10 ? 2f : 0.1f)));
        // Still above half its start (1.0625 of 2): judged.
        Assert.NotNull(Feed(new UpdateRatioLowRule(), Steps(400, i => i % 50 == 0 ? [Norm("conv1", 1e-3f), UpdateRatio("conv1", 1e-6f)] : [Norm("conv1", 1e-3f)], loss: i => i <= 10 ? 2f : 1.0625f)));
    }

    [Fact]
    public void A_warm_up_or_an_annealed_tail_is_not_judged()
    {
        // Warm-up: the rate rises until step 300; annealed: it falls below half its largest value after step 100.
        Assert.Null(Feed(new UpdateRatioLowRule(), Sampled(_ => 1e-6f, rate: i => 1e-3 * i, steps: 300)));
        Assert.Null(Feed(new UpdateRatioLowRule(), Sampled(i => i <= 100 ? 1e-3f : 1e-7f, rate: i => i <= 100 ? 0.1 : 0.01)));
        // A constant rate after the warm-up is judged again.
        Assert.Equal(300, Feed(new UpdateRatioLowRule(), Sampled(_ => 1e-6f, rate: i => 1e-3 * Math.Min(i, 250), steps: 400))!.FirstStep);
    }
}
