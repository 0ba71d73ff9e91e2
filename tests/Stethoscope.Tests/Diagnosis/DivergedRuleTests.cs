using Stethoscope.Diagnosis;
using Stethoscope.Training;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class DivergedRuleTests
{
    [Fact]
    public void Finite_steps_give_no_verdict()
    {
        Assert.Null(Feed(new DivergedRule(), Steps(50, _ => [Norm("conv1", 1e30f), Norm("fc", float.MaxValue)])));
    }

    [Fact]
    public void The_first_nan_loss_is_the_verdict_with_the_last_finite_step()
    {
        var verdict = Feed(new DivergedRule(), Steps(30, i => [Norm("conv1", i < 22 ? 1 : float.NaN), Norm("fc", i < 22 ? 1 : float.NaN)], loss: i => i < 22 ? 2.5f : float.NaN));
        Assert.NotNull(verdict);
        Assert.Equal(("diverged", 22L, 22L), (verdict.Rule, verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(["conv1", "fc"], verdict.Layers);
        Assert.Equal(21, verdict.Values["last_finite_step"]);
        Assert.Equal(2.5, verdict.Values["last_finite_loss"]);
        Assert.Contains("NaN", verdict.Evidence);
    }

    [Fact]
    public void An_infinite_gradient_with_a_finite_loss_names_its_layer()
    {
        var verdict = Feed(new DivergedRule(), [Step(1, 2f, 0.05, Norm("conv1", 1), Norm("fc", 1)), Step(2, 2f, 0.05, Norm("conv1", float.PositiveInfinity), Norm("fc", 3))]);
        Assert.Equal(["conv1"], verdict!.Layers);
        Assert.Equal(2, verdict.FirstStep);
    }

    [Fact]
    public void A_non_finite_weight_sample_alone_is_not_a_divergence_the_replay_could_not_see()
    {
        // Series readings (buckets, samples) are kept only thinned in the run folder; the tensor's mean carries it.
        Assert.Null(Feed(new DivergedRule(), [Step(1, 2f, 0.05, ("dist/weight/conv1/sample3", float.NaN), ("dist/weight/conv1/bucket0", 1))]));
        Assert.NotNull(Feed(new DivergedRule(), [Step(1, 2f, 0.05, ("dist/weight/conv1/mean", float.NaN))]));
    }

    [Fact]
    public void The_module_where_the_first_nan_was_made_becomes_the_layer()
    {
        var verdict = Feed(new DivergedRule(), [Step(1, 2f), Step(2, float.NaN, 0.05, Norm("conv1", float.NaN))])!;
        var origin = new NonFiniteOrigin(2, NonFinitePass.Forward, "conv2", "conv2.weight", true, "conv2 made the first NaN from finite inputs.");
        var explained = DivergedRule.Explain(verdict, origin);
        Assert.Equal(["conv2"], explained.Layers);
        Assert.EndsWith("first NaN/inf: step 2, forward pass in conv2 (conv2.weight), inputs finite: conv2 made the first NaN from finite inputs", explained.Evidence);
        Assert.Equal(verdict.Layers, DivergedRule.Explain(verdict, origin with { Module = null, Pass = NonFinitePass.Unknown }).Layers);
    }
}
