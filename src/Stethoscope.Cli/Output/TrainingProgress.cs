using System.Diagnostics;
using Spectre.Console;
using Stethoscope.Training;

namespace Stethoscope.Cli.Output;

/// <summary>
/// Shows a training run on the terminal: a progress bar whose label carries epoch, loss, accuracy and steps/s,
/// with the remaining time, and one line per evaluation. Updates the label at most ten times a second.
/// </summary>
public sealed class TrainingProgress(IAnsiConsole console, ProgressTask? bar) : ITrainingObserver
{
    static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);
    readonly Stopwatch clock = new();
    readonly Stopwatch sinceRefresh = new();
    long firstStep;

    public void OnTrainingStart(TrainingStart start)
    {
        if (bar is not null && start.PlannedSteps is { } planned)
            bar.MaxValue = planned;
        clock.Start();
        sinceRefresh.Start();
    }

    public void OnStep(StepRecord step)
    {
        if (firstStep == 0)
            firstStep = step.Step;
        if (bar is null || (sinceRefresh.Elapsed < Refresh && step.Step != (long)bar.MaxValue))
            return;
        sinceRefresh.Restart();
        bar.Value = step.Step;
        var accuracy = step[Probes.AccuracyProbe.Name] is { } a ? $" acc {a:P1}" : "";
        bar.Description = Markup.Escape($"epoch {step.Epoch} loss {step.Loss:0.0000}{accuracy} {StepsPerSecond(step.Step):0} steps/s");
    }

    public void OnEvaluation(EvaluationRecord evaluation)
    {
        var accuracy = evaluation.Accuracy is { } a ? $", test accuracy {a:P2}" : "";
        console.MarkupLineInterpolated($"step {evaluation.Step} (epoch {evaluation.Epoch}): test loss {evaluation.Loss:0.0000}{accuracy}");
    }

    double StepsPerSecond(long step) => clock.Elapsed.TotalSeconds > 0 ? (step - firstStep + 1) / clock.Elapsed.TotalSeconds : 0;
}
