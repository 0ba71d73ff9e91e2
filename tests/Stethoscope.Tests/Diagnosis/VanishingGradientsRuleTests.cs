using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class VanishingGradientsRuleTests
{
    static Verdict? Run(float first, int steps, float last = 1f) =>
        Feed(new VanishingGradientsRule(), Steps(steps, _ => [Norm("conv1", first), Norm("conv2", 0.5f), Norm("fc", last)]));

    [Fact]
    public void A_first_layer_a_thousand_times_weaker_than_the_last_is_not_yet_vanishing()
    {
        Assert.Null(Run(1e-3f * 1.0001f, 100));
    }

    [Fact]
    public void Below_a_thousandth_over_twenty_steps_it_is()
    {
        Assert.Null(Run(0.9e-3f, 19));
        var verdict = Run(0.9e-3f, 20);
        Assert.NotNull(verdict);
        Assert.Equal((1L, 20L), (verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(["conv1", "fc"], verdict.Layers);
        Assert.Equal(0.9e-3, verdict.Values["median_ratio"], 6);
    }

    [Fact]
    public void An_exactly_zero_first_layer_is_left_to_the_zero_gradient_rule()
    {
        Assert.Null(Run(0f, 100));
        Assert.Null(Run(1e-6f, 100, last: 0f));
    }

    [Fact]
    public void A_median_is_read_so_a_few_weak_steps_do_not_fire_it()
    {
        Assert.Null(Feed(new VanishingGradientsRule(), Steps(100, i => [Norm("conv1", i % 3 == 0 ? 1e-6f : 0.2f), Norm("fc", 1)])));
    }
}
