using Stethoscope.Diagnosis;
using static Stethoscope.Tests.Diagnosis.Readings;

namespace Stethoscope.Tests.Diagnosis;

public class DiagnosticianTests
{
    [Fact]
    public void Each_verdict_fires_once_and_an_explained_rule_stays_silent()
    {
        // ReLUs die at step 20: every gradient is 0 and the loss stays at its start, which the zero gradients explain.
        var diagnostician = new Diagnostician();
        var fired = new List<Verdict>();
        diagnostician.VerdictFired += fired.Add;
        foreach (var step in Steps(400, i => [Norm("conv1", i < 20 ? 1 : 0), Norm("fc", i < 20 ? 1 : 0)], loss: _ => 2.3f))
            diagnostician.OnStep(step);
        var verdict = Assert.Single(fired);
        Assert.Equal("zero-gradients", verdict.Rule);
        Assert.Equal(fired, diagnostician.Verdicts);
        Assert.Equal(400, diagnostician.Steps);
    }

    [Fact]
    public void A_healthy_constructed_run_gets_no_verdict()
    {
        var diagnostician = new Diagnostician();
        var steps = Steps(1000, i => i % 50 == 0
            ? [Norm("conv1", 0.2f), Norm("fc", 1f), UpdateRatio("conv1", 2e-3f), UpdateRatio("fc", 5e-3f), Activation("relu1", "dead_fraction", 0.1f)]
            : [Norm("conv1", 0.2f + i % 7 * 0.01f), Norm("fc", 1f)], loss: i => 2.3f / (1 + i / 20f));
        foreach (var step in steps)
            diagnostician.OnStep(step);
        Assert.Empty(diagnostician.Verdicts);
    }

    [Fact]
    public void Verdicts_are_listed_in_the_order_they_fired()
    {
        var diagnostician = new Diagnostician();
        var steps = Steps(60, i => i % 10 == 0
            ? [Norm("conv1", i < 40 ? 1 : 0), Activation("relu1", "dead_fraction", 0.9f)]
            : [Norm("conv1", i < 40 ? 1 : 0)]);
        foreach (var step in steps)
            diagnostician.OnStep(step);
        Assert.Equal(["dead-units", "zero-gradients"], diagnostician.Verdicts.Select(v => v.Rule));
        Assert.Equal([10L, 40L], diagnostician.Verdicts.Select(v => v.FirstStep));
    }
}
