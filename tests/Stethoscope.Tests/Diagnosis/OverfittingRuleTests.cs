using Stethoscope.Diagnosis;
using Stethoscope.Training;

namespace Stethoscope.Tests.Diagnosis;

public class OverfittingRuleTests
{
    /// <summary>100 steps between evaluations; the training loss halves each time, the test losses are given.</summary>
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
    public void A_test_loss_that_stays_20_percent_above_its_best_while_the_training_loss_falls_is_the_verdict()
    {
        // Medians of three: 1, 0.75, 0.5 (best, step 300), 0.5, 0.5, then 0.7 twice.
        var verdict = Run(1.0, 0.5, 0.5, 0.5, 0.7, 0.7, 0.7);
        Assert.NotNull(verdict);
        Assert.Equal(("overfitting", 300L, 700L), (verdict.Rule, verdict.FirstStep, verdict.DetectedStep));
        Assert.Equal(0.5, verdict.Values["best_test_loss"]);
        Assert.Equal(0.7, verdict.Values["test_loss"]);
        Assert.Contains("rose from its best 0.5 at step 300 to 0.7", verdict.Evidence);
    }

    [Fact]
    public void Twenty_percent_is_the_threshold()
    {
        Assert.NotNull(Run(1.0, 0.5, 0.5, 0.5, 0.6, 0.6, 0.6));
        Assert.Null(Run(1.0, 0.5, 0.5, 0.5, 0.59, 0.59, 0.59, 0.59));
    }

    [Fact]
    public void Single_noisy_evaluations_do_not_move_the_median()
    {
        Assert.Null(Run([1.0, 0.5, 0.5, 0.5, 5.0, 0.5, 5.0, 0.5, 5.0, 0.5], e => e < 3 ? 1.0 : 0.1));
    }

    [Fact]
    public void A_rising_test_loss_needs_the_training_loss_to_have_halved()
    {
        Assert.Null(Run([1.0, 0.5, 0.5, 0.5, 0.7, 0.7, 0.7, 0.7], e => e < 3 ? 0.5 : 0.3));
    }

    [Fact]
    public void A_training_loss_100x_below_a_test_loss_that_no_longer_improves_is_a_memorised_set()
    {
        var verdict = Run([1.0, 0.5, 0.5, 0.5, 0.5], e => Math.Pow(10, -e));
        Assert.NotNull(verdict);
        Assert.Equal((300L, 500L), (verdict.FirstStep, verdict.DetectedStep));
        Assert.Contains("has not improved since step 300", verdict.Evidence);
        Assert.Null(Run(1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5));             // halving: 0.016 of 0.5 is 32x below, not 100x
        Assert.Null(Run([1.0, 0.5, 0.4, 0.3, 0.2], e => Math.Pow(10, -e))); // the test loss still improving
        // A training loss that falls from a spike to the test loss's level is not a memorised set either.
        Assert.Null(Run([2.3, 2.3, 2.3, 2.3, 2.3], e => e == 0 ? 2000 : e == 1 ? 200 : 2.3));
    }
}
