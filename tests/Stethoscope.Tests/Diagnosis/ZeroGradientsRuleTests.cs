using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class ZeroGradientsRuleTests
{
    [Fact]
    public void Four_zero_steps_in_a_row_are_not_enough_five_are()
    {
        Assert.Null(Feed(new ZeroGradientsRule(), Steps(30, i => [Norm("conv1", i is >= 10 and < 14 ? 0 : 1), Norm("fc", 1)])));
        var verdict = Feed(new ZeroGradientsRule(), Steps(30, i => [Norm("conv1", i >= 10 ? 0 : 1), Norm("fc", i >= 12 ? 0 : 1)]));
        Assert.NotNull(verdict);
        Assert.Equal((10L, 14L), (verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(["conv1"], verdict.Layers);
    }

    [Fact]
    public void A_non_zero_step_restarts_the_count_and_a_tiny_norm_is_not_zero()
    {
        Assert.Null(Feed(new ZeroGradientsRule(), Steps(30, i => [Norm("conv1", i % 5 == 0 ? 1e-30f : 0)])));
    }

    [Fact]
    public void Every_layer_at_zero_is_said_so()
    {
        var verdict = Feed(new ZeroGradientsRule(), Steps(10, _ => [Norm("conv1", 0), Norm("fc", 0)]))!;
        Assert.Equal(["conv1", "fc"], verdict.Layers);
        Assert.Contains("every layer", verdict.Evidence);
        Assert.Equal(5, verdict.DetectedStep);
    }
}
