namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>loss-not-decreasing</c>: after <see cref="After"/> steps the training loss, averaged over the last
/// <see cref="Window"/> steps, is still within <see cref="Progress"/> of its average over the first <see cref="Start"/>
/// steps. Amazon SageMaker Debugger's LossNotDecreasing rule compares the loss with its value 10 steps before and asks
/// for a 0.1% decrease; one batch's loss is too noisy for that (batch-to-batch swings of 10–50% are usual), so here
/// means over many steps are compared, and the loss must fall by at least 10% of its start within 200 steps — our own
/// numbers: at step 200 the default <c>train</c> run is 92% below its start and resnet-digits with SGD 49%, while the
/// run with a learning rate 100x too small (<c>--lr 0.0005</c>) is 3.3% below it. A plateau after real progress is not
/// flagged (a converged run is flat too).
/// </summary>
public sealed class LossNotDecreasingRule : DiagnosisRule
{
    public const int Start = 10;
    public const int Window = 50;
    public const long After = 200;
    public const double Progress = 0.1;

    readonly StepWindow start = new(Start);
    readonly StepWindow recent = new(Window);

    public override string Id => "loss-not-decreasing";

    public override string Title => "Loss not decreasing";

    public override IReadOnlyList<string> ExplainedBy => ["diverged", "exploding-gradients", "zero-gradients", "dead-units"];

    public override string Suggestion =>
        "raise the learning rate (a learning-rate range test finds it), check that the labels match the inputs and that the loss suits the model's output, and that the data is shuffled and normalised";

    public override Verdict? OnStep(DiagnosisStep step)
    {
        if (!start.IsFull)
            start.Add(step.Loss);
        recent.Add(step.Loss);
        if (step.Step < After || !start.IsFull || !recent.IsFull)
            return null;
        var (initial, now) = (start.Mean, recent.Mean);
        if (now < initial * (1 - Progress))
            return null;
        var change = (initial - now) / initial;
        return Fire([], step.Step - Window + 1, step.Step,
            $"after {step.Step} steps the mean loss of the last {Window} steps is {Number(now)}, against {Number(initial)} over the first {Start}: {(change >= 0 ? $"{Number(change * 100)}% lower" : $"{Number(-change * 100)}% higher")} (at least {Number(Progress * 100)}% lower was expected)",
            ("start_loss", initial), ("recent_loss", now), ("decrease", change), ("threshold", Progress));
    }
}
