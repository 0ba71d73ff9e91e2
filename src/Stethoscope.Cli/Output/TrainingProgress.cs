using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Stethoscope.Training;

namespace Stethoscope.Cli.Output;

/// <summary>
/// Shows a training run. In a terminal: a progress bar whose label carries epoch, step n/N, the smoothed loss,
/// accuracy and steps/s, with the remaining time, updated at most ten times a second. Without one (output redirected
/// to a CI log or by nohup, <paramref name="bar"/> null): one plain line every <paramref name="lineEvery"/> (default
/// five seconds) and at the last step, so a log shows life before the first evaluation. Both print one line per
/// evaluation.
/// </summary>
public sealed class TrainingProgress(IAnsiConsole console, ProgressTask? bar, TimeSpan? lineEvery = null) : ITrainingObserver
{
    /// <summary>How often a redirected run prints its line when not told otherwise.</summary>
    public static readonly TimeSpan DefaultLineEvery = TimeSpan.FromSeconds(5);

    static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);

    /// <summary>Weight of the past in the smoothed loss: one noisy batch barely moves it, a trend shows within ~20 steps.</summary>
    const double Smoothing = 0.9;

    readonly TimeSpan every = bar is null ? lineEvery ?? DefaultLineEvery : Refresh;
    readonly Stopwatch clock = new();
    readonly Stopwatch sinceShown = new();
    long firstStep;
    long plannedSteps;
    double average;
    int averaged;

    public void OnTrainingStart(TrainingStart start)
    {
        plannedSteps = start.PlannedSteps ?? 0;
        if (bar is not null && start.PlannedSteps is { } planned)
            bar.MaxValue = planned;
        clock.Start();
        sinceShown.Start();
    }

    public void OnStep(StepRecord step)
    {
        if (firstStep == 0)
            firstStep = step.Step;
        // A NaN loss would stay in the average forever; the run's own report says when the loss stopped being finite.
        if (float.IsFinite(step.Loss))
        {
            average = Smoothing * average + (1 - Smoothing) * step.Loss;
            averaged++;
        }
        var last = step.Step == plannedSteps;
        if (sinceShown.Elapsed < every && !last)
            return;
        sinceShown.Restart();
        var accuracy = step[Probes.AccuracyProbe.Name] is { } a ? $" acc {a:P1}" : "";
        var progress = $"step {step.Step}/{Planned} loss {SmoothedLoss}{accuracy} {Rate(StepsPerSecond(step.Step))} steps/s";
        if (bar is null)
        {
            console.WriteLine($"epoch {step.Epoch} {progress}");
            return;
        }
        bar.Value = step.Step;
        bar.Description = Markup.Escape($"epoch {step.Epoch} {progress}");
    }

    public void OnEvaluation(EvaluationRecord evaluation)
    {
        var accuracy = evaluation.Accuracy is { } a ? $", test accuracy {a:P2}" : "";
        console.MarkupLineInterpolated($"step {evaluation.Step} (epoch {evaluation.Epoch}): test loss {evaluation.Loss:0.0000}{accuracy}");
    }

    /// <summary>An unlimited run (no step limit known) shows its step alone.</summary>
    string Planned => plannedSteps is > 0 and < long.MaxValue ? plannedSteps.ToString(CultureInfo.InvariantCulture) : "?";

    /// <summary>The exponential moving average, debiased (as Adam's moments are) so that its first steps are not pulled to 0.</summary>
    string SmoothedLoss => averaged == 0 ? "NaN" : (average / (1 - Math.Pow(Smoothing, averaged))).ToString("0.0000", CultureInfo.InvariantCulture);

    double StepsPerSecond(long step) => clock.Elapsed.TotalSeconds > 0 ? (step - firstStep + 1) / clock.Elapsed.TotalSeconds : 0;

    /// <summary>Three significant digits at most, never rounded to 0: a large model on a CPU takes 0.25 steps/s.</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 100 => perSecond.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => perSecond.ToString("0.0", CultureInfo.InvariantCulture),
        >= 1 => perSecond.ToString("0.00", CultureInfo.InvariantCulture),
        > 0 => perSecond.ToString("G3", CultureInfo.InvariantCulture),
        _ => "0",
    };
}
