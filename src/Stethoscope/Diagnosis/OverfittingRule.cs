using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>overfitting</c>: the training and test losses drift apart, on <see cref="Evaluations"/> evaluations in a row,
/// measured from the best test loss so far (the training loss at an evaluation is the mean over the steps since the one
/// before): either the test loss has risen <see cref="Rise"/> (20%) above its best while the training loss is below its
/// value then, or the test loss has not improved while the training loss fell <see cref="Fall"/> times (10x) and is now
/// at most a tenth of the test loss — a small training set memorised, its test loss flat. A run whose training loss
/// exploded or whose units died "falls" from its spike for other reasons: those verdicts silence this one. A test loss counts as a new best only when <see cref="Improvement"/> (5%)
/// below the old one, so noise on a plateau does not restart the comparison.
/// Sources: Prechelt's early-stopping criterion GL ("Early Stopping — but when?", 1998) stops when the test error
/// rises a set share above its minimum; Amazon SageMaker Debugger's Overfit rule fires when the ratio of test to
/// training loss grows by 0.1, which every run whose training loss heads for 0 does. Our own numbers: the default
/// <c>train</c> run (seed 0) ends 10% above its best test loss (0.095 at step 1000, 0.105 at step 1250, still 97.2%
/// accurate) while its training loss fell 1.7x over that epoch, a harmless drift, so the rise must be twice that and the
/// fall 10x; on 100 training digits the training loss falls to 0.001 while the test loss stays at 0.55. Three
/// evaluations in a row, because single evaluations are noisy: evaluated every 50 steps, the default run of seed 1 had
/// test losses 36% and 34% above its best at steps 950 and 1200, each followed by one back near it. Needs evaluations
/// (eval.csv): at each epoch's end, or <c>--eval-every N</c>.
/// </summary>
public sealed class OverfittingRule : DiagnosisRule
{
    public const double Rise = 0.2;
    public const double Fall = 10;
    public const double Improvement = 0.05;
    public const int Evaluations = 3;

    double trainSum;
    int trainCount;
    (long Step, double Test, double Train)? best;
    int inRow;

    public override string Id => "overfitting";

    public override string Title => "Overfitting";

    public override IReadOnlyList<string> ExplainedBy => ["diverged", "exploding-gradients", "zero-gradients", "dead-units"];

    public override string Suggestion =>
        "stop earlier (keep the checkpoint of the best test loss), add data or augmentation, add weight decay or dropout, or use a smaller model";

    public override Verdict? OnStep(DiagnosisStep step)
    {
        if (float.IsFinite(step.Loss))
        {
            trainSum += step.Loss;
            trainCount++;
        }
        return null;
    }

    public override Verdict? OnEvaluation(EvaluationRecord evaluation)
    {
        var (test, train) = (evaluation.Loss, trainCount > 0 ? trainSum / trainCount : double.NaN);
        (trainSum, trainCount) = (0, 0);
        if (!double.IsFinite(test) || !double.IsFinite(train))
            return null;
        if (best is not { } b || test < b.Test * (1 - Improvement))
        {
            best = (evaluation.Step, test, train);
            inRow = 0;
            return null;
        }
        var rising = test >= b.Test * (1 + Rise) && train < b.Train;
        var memorised = train <= b.Train / Fall && train <= test / Fall;
        inRow = rising || memorised ? inRow + 1 : 0;
        if (inRow < Evaluations)
            return null;
        var how = rising
            ? $"the test loss rose from its best {Number(b.Test)} at step {b.Step} to {Number(test)} at step {evaluation.Step} ({Number((test / b.Test - 1) * 100)}% higher) while the training loss fell from {Number(b.Train)} to {Number(train)}"
            : $"the training loss fell {Number(b.Train / train)}x, from {Number(b.Train)} at step {b.Step} to {Number(train)} at step {evaluation.Step}, while the test loss did not improve ({Number(b.Test)} then, {Number(test)} now)";
        return Fire([], b.Step, evaluation.Step, $"{how}; test/train loss ratio {Number(b.Test / b.Train)} → {Number(test / train)}",
            ("best_test_loss", b.Test), ("best_step", b.Step), ("test_loss", test), ("train_loss_at_best", b.Train), ("train_loss", train), ("rise", Rise), ("fall", Fall));
    }
}
