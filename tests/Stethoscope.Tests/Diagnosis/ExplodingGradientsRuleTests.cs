using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class ExplodingGradientsRuleTests
{
    /// <summary>Ten steps at norm 1 (conv1) and 4 (fc), then <paramref name="later"/> for conv1.</summary>
    static Verdict? Run(float later, int steps = 40) =>
        Feed(new ExplodingGradientsRule(), Steps(steps, i => [Norm("conv1", i <= 10 ? (i % 2 == 0 ? 0.5f : 1.5f) : i == 25 ? later : 1f), Norm("fc", 4)]));

    [Fact]
    public void A_norm_at_exactly_100_times_the_start_is_not_an_explosion()
    {
        // The start's median: five steps at 0.5, five at 1.5, so 1.0.
        Assert.Null(Run(100f));
    }

    [Fact]
    public void A_norm_just_above_100_times_the_start_is_one()
    {
        var verdict = Run(100.01f);
        Assert.NotNull(verdict);
        Assert.Equal(("exploding-gradients", 25L), (verdict.Rule, verdict.FirstStep));
        Assert.Equal(["conv1"], verdict.Layers);
        Assert.Equal(100.01, verdict.Values["max_growth"], 3);
    }

    [Fact]
    public void Non_finite_norms_are_left_out_of_the_start_and_a_zero_start_never_fires()
    {
        var steps = Steps(30, i => [Norm("conv1", i <= 3 ? float.NaN : i <= 13 ? 1f : 150f), Norm("fc", 0)]);
        var verdict = Feed(new ExplodingGradientsRule(), steps);
        Assert.Equal(14, verdict!.FirstStep);
        Assert.Equal(["conv1"], verdict.Layers);
    }
}
