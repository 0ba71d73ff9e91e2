using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class LossNotDecreasingRuleTests
{
    /// <summary>Loss 2 for the first 10 steps, <paramref name="later"/> from step 11 on.</summary>
    static Verdict? Run(float later, int steps = 300) =>
        Feed(new LossNotDecreasingRule(), Steps(steps, _ => [], loss: i => i <= 10 ? 2f : later));

    [Fact]
    public void A_loss_at_its_start_after_200_steps_is_the_verdict()
    {
        Assert.Null(Run(2f, steps: 199));
        var verdict = Run(2f);
        Assert.NotNull(verdict);
        Assert.Equal(("loss-not-decreasing", 151L, 200L), (verdict.Rule, verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(0, verdict.Values["decrease"]);
    }

    [Fact]
    public void Less_than_ten_percent_lower_fires_more_than_ten_percent_does_not()
    {
        Assert.NotNull(Run(1.875f)); // 6.25% lower
        Assert.Null(Run(1.75f));      // 12.5% lower
    }

    [Fact]
    public void A_rising_loss_fires_and_non_finite_losses_are_left_out()
    {
        Assert.Contains("higher", Run(2.5f)!.Evidence);
        Assert.Null(Feed(new LossNotDecreasingRule(), Steps(300, _ => [], loss: i => i <= 10 ? 2f : i % 2 == 0 ? float.NaN : 1f)));
    }
}
