using Stethoscope.Diagnosis;
using Stethoscope.Training;

namespace Stethoscope.Tests.Diagnosis;

public class OverfittingRuleTests
{
    /// <summary>100 steps between evaluations; the training loss falls from 1 by half each time (so 16x at most over the
    /// five evaluations), the test losses are given.</summary>
    static Verdict? Run(params double[] testLosses) => Run(testLosses, i => Math.Pow(0.5, i));

    static Verdict? Run(double[] testLosses, Func<int, double> trainLoss)
    {
        var rule = new OverfittingRule();
        for (var e = 0; e < testLosses.Length; e++)
        {
            for (var s = 1; s <= 100; s++)
                rule.OnStep(DiagnosisStep.Of(Readings.Step(e * 100 + s, (float)trainLoss(e))));
            if (rule.OnEvaluation(new EvaluationRecord((e + 1) * 100, e + 1, testLosses[e], 0.9)) is { } verdict)
                return verdict;
        }
        return null;
    }

    [Fact]
    public void A_test_loss_a_quarter_above_its_best_three_times_in_a_row_is_the_verdict()
    {
        Assert.Null(Run(1.0, 0.5, 0.625, 0.625));
        var verdict = Run(1.0, 0.5, 0.625, 0.625, 0.625);
        Assert.NotNull(verdict);
        Assert.Equal(("overfitting", 200L, 500L), (verdict.Rule, verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(0.5, verdict.Values["best_test_loss"]);
        Assert.Equal(0.625, verdict.Values["test_loss"]);
    }

    [Fact]
    public void Twenty_percent_is_the_threshold_and_twice_is_not_enough()
    {
        Assert.Null(Run(1.0, 0.5, 0.5625, 0.5625, 0.5625)); // 12.5% above the best
        Assert.Null(Run(1.0, 0.5, 0.625, 0.625, 0.5, 0.625)); // twice, then back near the best
        Assert.NotNull(Run(1.0, 0.5, 0.6, 0.6, 0.6));       // exactly 20%
    }

    [Fact]
    public void A_flat_test_loss_while_the_training_loss_falls_tenfold_twice_in_a_row_is_the_verdict()
    {
        var verdict = Run([1.0, 0.5, 0.5, 0.49, 0.49], e => Math.Pow(10, -e));
        Assert.NotNull(verdict);
        Assert.Equal((200L, 500L), (verdict.FirstStep, verdict.DetectedStep));
        Assert.Contains("fell 1000x", verdict.Evidence);
        Assert.Null(Run([1.0, 0.5, 0.5, 0.5, 0.5], e => Math.Pow(9, -e))); // 9x, then 81x and 729x: twice only
        Assert.Null(Run([1.0, 0.5, 0.45, 0.4], e => Math.Pow(10, -e))); // the test loss still improving
        // A training loss that falls 10x from a spike to the test loss's level is not a memorised set.
        Assert.Null(Run([2.3, 2.3, 2.3, 2.3, 2.3], e => e == 0 ? 2000 : e == 1 ? 200 : 2.3));
    }

    [Fact]
    public void A_test_loss_rising_with_the_training_loss_is_not_overfitting()
    {
        Assert.Null(Run([1.0, 0.5, 0.75, 0.75, 0.75], e => e < 2 ? 1.0 / (e + 1) : 2.0));
    }
}
