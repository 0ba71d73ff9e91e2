using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>overfitting</c>: the training and test losses drift apart. Each evaluation's test loss is read as the median of
/// the last <see cref="Median"/> evaluations (one noisy evaluation moves it little) and its training loss as the mean
/// over the steps since the evaluation before; both are compared with the evaluation where that test loss was best. It
/// fires, on <see cref="Evaluations"/> evaluations in a row, when either the test loss has risen <see cref="Rise"/> (20%)
/// above its best while the training loss halved, or the test loss no longer improves while the training loss is
/// <see cref="Gap"/> (100) times smaller than it — a small training set memorised. A test loss
/// counts as a new best only when <see cref="Improvement"/> (5%) below the old one, so noise on a plateau does not
/// restart the comparison; a run whose loss exploded or whose units died is silenced by those verdicts.
/// Sources: Prechelt's early-stopping criterion GL ("Early Stopping — but when?", 1998) stops when the test error rises
/// a set share above its minimum; Amazon SageMaker Debugger's Overfit rule fires when the ratio of test to training
/// loss grows by 0.1, which every run whose training loss heads for 0 does. Our own numbers, from healthy runs
/// evaluated every 50 steps: single test losses 36% above the best (the default run, seed 1) and three in a row 22–54%
/// above it (resnet-digits with AdamW, whose test loss then fell to a new best) while the training loss fell 1.3–1.7x;
/// their test losses stayed 1.5–5x their training losses; 100 memorised training digits had a flat test loss of 0.55
/// and a training loss of 0.003, 180x smaller.
/// Needs evaluations (eval.csv): at each epoch's end, or <c>--eval-every N</c>.
/// </summary>
public sealed class OverfittingRule : DiagnosisRule
{
    public const double Rise = 0.2;
    public const double Gap = 100;
    public const double Halved = 2;
    public const double Improvement = 0.05;
    public const int Median = 3;
    public const int Evaluations = 2;

    readonly StepWindow tests = new(Median);
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
        var train = trainCount > 0 ? trainSum / trainCount : double.NaN;
        (trainSum, trainCount) = (0, 0);
        tests.Add(evaluation.Loss);
        var test = tests.Median;
        if (!double.IsFinite(evaluation.Loss) || !double.IsFinite(test) || !double.IsFinite(train))
            return null;
        if (best is not { } b || test < b.Test * (1 - Improvement))
        {
            best = (evaluation.Step, test, train);
            inRow = 0;
            return null;
        }
        var rising = test >= b.Test * (1 + Rise) && train <= b.Train / Halved;
        var memorised = train <= test / Gap;
        inRow = rising || memorised ? inRow + 1 : 0;
        if (inRow < Evaluations)
            return null;
        var how = rising
            ? $"the test loss (median of the last {Median} evaluations) rose from its best {Number(b.Test)} at step {b.Step} to {Number(test)} at step {evaluation.Step} ({Number((test / b.Test - 1) * 100)}% higher) while the training loss fell {Number(b.Train / train)}x, from {Number(b.Train)} to {Number(train)}"
            : $"the test loss (median of the last {Median} evaluations) has not improved since step {b.Step} ({Number(b.Test)} then, {Number(test)} at step {evaluation.Step}) while the training loss fell from {Number(b.Train)} to {Number(train)}, {Number(test / train)}x below it";
        return Fire([], b.Step, evaluation.Step, $"{how}; test/train loss ratio {Number(b.Test / b.Train)} → {Number(test / train)}",
            ("best_test_loss", b.Test), ("best_step", b.Step), ("test_loss", test), ("train_loss_at_best", b.Train), ("train_loss", train), ("rise", Rise), ("gap", Gap));
    }
}
