using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>overfitting</c>: the test loss has risen <see cref="Rise"/> (20%) above its best while the training loss (the
/// mean of the <see cref="TrainWindow"/> steps before each evaluation) kept falling, on <see cref="Evaluations"/>
/// evaluations in a row: the two curves drift apart. Amazon SageMaker Debugger's Overfit rule fires when the ratio of
/// test to training loss grows by more than 0.1; with a training loss that falls towards 0 that ratio grows in every
/// run, so here the test loss itself must rise. Our own numbers: the default <c>train</c> run (seed 0) ends 10% above
/// its best test loss (0.095 at step 1000, 0.105 at step 1250, still 97.2% accurate), a harmless drift, so the rise
/// must be twice that, on two evaluations in a row so one noisy evaluation is not enough. Needs evaluations (eval.csv):
/// at each epoch's end, or <c>--eval-every N</c>.
/// </summary>
public sealed class OverfittingRule : DiagnosisRule
{
    public const double Rise = 0.2;
    public const int TrainWindow = 50;
    public const int Evaluations = 2;

    readonly StepWindow train = new(TrainWindow);
    (long Step, double Test, double Train)? best;
    int inRow;

    public override string Id => "overfitting";

    public override string Title => "Overfitting";

    public override IReadOnlyList<string> ExplainedBy => ["diverged"];

    public override string Suggestion =>
        "stop earlier (keep the checkpoint of the best test loss), add data or augmentation, add weight decay or dropout, or use a smaller model";

    public override Verdict? OnStep(DiagnosisStep step)
    {
        train.Add(step.Loss);
        return null;
    }

    public override Verdict? OnEvaluation(EvaluationRecord evaluation)
    {
        var (test, trainLoss) = (evaluation.Loss, train.Mean);
        if (!double.IsFinite(test) || !double.IsFinite(trainLoss))
            return null;
        if (best is not { } b || test < b.Test)
        {
            best = (evaluation.Step, test, trainLoss);
            inRow = 0;
            return null;
        }
        inRow = test >= b.Test * (1 + Rise) && trainLoss < b.Train ? inRow + 1 : 0;
        if (inRow < Evaluations)
            return null;
        return Fire([], b.Step, evaluation.Step,
            $"the test loss rose from its best {Number(b.Test)} at step {b.Step} to {Number(test)} at step {evaluation.Step} ({Number((test / b.Test - 1) * 100)}% higher) while the training loss fell from {Number(b.Train)} to {Number(trainLoss)}; test/train ratio {Number(b.Test / b.Train)} → {Number(test / trainLoss)}",
            ("best_test_loss", b.Test), ("best_step", b.Step), ("test_loss", test), ("train_loss_at_best", b.Train), ("train_loss", trainLoss), ("threshold", Rise));
    }
}
