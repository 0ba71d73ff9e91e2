using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class UnitShareRuleTests
{
    /// <summary>Activation statistics every 10 steps (as the probe samples them): <paramref name="share"/> of relu1 by sample, relu2 at 0.</summary>
    static IEnumerable<Stethoscope.Training.StepRecord> Sampled(string statistic, Func<long, float> share, int steps = 100) =>
        Steps(steps, i => i % 10 == 0 ? [Norm("conv1", 1), Activation("relu1", statistic, share(i)), Activation("relu2", statistic, 0)] : [Norm("conv1", 1)]);

    [Fact]
    public void Half_the_units_dead_on_three_samples_in_a_row_is_the_verdict()
    {
        var verdict = Feed(new DeadUnitsRule(), Sampled("dead_fraction", i => i >= 30 ? 0.5f : 0f));
        Assert.NotNull(verdict);
        Assert.Equal(("dead-units", 30L, 50L), (verdict.Rule, verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(["relu1"], verdict.Layers);
        Assert.Equal(0.5, verdict.Values["relu1"]);
    }

    [Fact]
    public void Just_under_half_or_two_samples_in_a_row_give_no_verdict()
    {
        Assert.Null(Feed(new DeadUnitsRule(), Sampled("dead_fraction", _ => 0.49f)));
        Assert.Null(Feed(new DeadUnitsRule(), Sampled("dead_fraction", i => i % 30 == 0 ? 0f : 1f)));
    }

    [Fact]
    public void Saturation_reads_its_own_statistic_with_the_same_threshold()
    {
        Assert.Null(Feed(new SaturatedUnitsRule(), Sampled("dead_fraction", _ => 1f)));
        var verdict = Feed(new SaturatedUnitsRule(), Sampled("saturated_fraction", i => i >= 60 ? 0.51f : 0.2f));
        Assert.Equal(("saturated-units", 60L, 80L), (verdict!.Rule, verdict.FirstStep, verdict.DetectedStep));
    }
}
