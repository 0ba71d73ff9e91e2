using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class ExplodingGradientsRuleTests
{
    /// <summary>The first steps of conv1, whose median (the start) is 1.0; fc stays at 4.</summary>
    static readonly float[] Start = [0.5f, 1.5f, 1.0f, 0.8f, 1.2f];

    /// <summary>conv1 at its <see cref="Start"/>, then 1, with <paramref name="later"/> at step 25.</summary>
    static Verdict? Run(float later, int steps = 40) =>
        Feed(new ExplodingGradientsRule(), Steps(steps, i => [Norm("conv1", i <= Start.Length ? Start[i - 1] : i == 25 ? later : 1f), Norm("fc", 4)]));

    [Fact]
    public void A_blow_up_within_the_first_ten_steps_is_judged_against_the_first_five()
    {
        // lr 1.0 at batch 256 on the digits: norms about 1, then 10, 30 and 60 at steps 6 to 8, dead after.
        float[] norms = [1f, 1.2f, 0.8f, 1f, 1f, 10f, 30f, 60f, 0f, 0f];
        var verdict = Feed(new ExplodingGradientsRule(), Steps(norms.Length, i => [Norm("conv1", norms[i - 1])]));
        Assert.Equal(8, verdict!.FirstStep);
    }

    [Fact]
    public void A_norm_at_exactly_50_times_the_start_is_not_an_explosion()
    {
        Assert.Null(Run(50f));
    }

    [Fact]
    public void A_norm_just_above_50_times_the_start_is_one()
    {
        var verdict = Run(50.01f);
        Assert.NotNull(verdict);
        Assert.Equal(("exploding-gradients", 25L), (verdict.Rule, verdict.FirstStep));
        Assert.Equal(["conv1"], verdict.Layers);
        Assert.Equal(50.01, verdict.Values["max_growth"], 3);
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
