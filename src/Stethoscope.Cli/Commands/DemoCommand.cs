using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Experiments;
using Stethoscope.Training;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope demo</c>: everything once, on the bundled digits, ending with the report page.</summary>
public static class DemoCommand
{
    public static Command Create(Terminal terminal)
    {
        var output = new Option<string?>("--out") { Description = "run folder to create (default: runs/demo-<time>)" };
        var maxSteps = new Option<long?>("--max-steps") { Description = $"stop training after this many steps (default: {Demo.Epochs} epochs); every figure, measurement and the report follow as always" };
        maxSteps.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 1 and var steps)
                r.AddError($"--max-steps must be at least 1; got {steps}");
        });
        var command = new Command("demo", "Train the seed network with every probe and its sound, draw everything, and write the report page.") { output, maxSteps };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(r.GetValue(output), terminal, r.GetValue(maxSteps))));
        return command;
    }

    public static int Run(string? output, Terminal terminal, long? maxSteps = null)
    {
        var folder = Path.GetFullPath(output ?? Path.Combine("runs", $"demo-{DateTime.Now:yyyyMMdd-HHmmss}"));
        void Stage(string stage) => terminal.Out.MarkupLineInterpolated($"[grey]{stage} …[/]");
        DemoResult? result = null;
        using var interrupt = new InterruptSignal();
        TrainCommand.WithProgress(terminal.Out, bar =>
        {
            IReadOnlyList<ITrainingObserver> observers = bar is null ? [] : [new TrainingProgress(terminal.Out, bar)];
            result = Demo.Run(folder, Stage, observers, interrupt.Token, maxSteps);
            return result.Training;
        });
        var training = result!.Training;
        var accuracy = training.LastEvaluation?.Accuracy is { } a ? a.ToString("P2", CultureInfo.InvariantCulture) : "-";
        var table = new Table().AddColumns("", "").HideHeaders();
        table.AddRow("status", training.Status.ToString().ToLowerInvariant());
        table.AddRow("steps", training.Steps.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("test accuracy", accuracy);
        table.AddRow("first NaN/inf", training.FirstNonFiniteStep is { } step ? $"step {step}" : "none");
        table.AddRow("figures", result.Figures.Count.ToString(CultureInfo.InvariantCulture));
        table.AddRow("sound", Markup.Escape(Path.GetRelativePath(folder, result.Run.GradientSound)));
        terminal.Out.Write(table);
        terminal.Out.MarkupLineInterpolated($"open {result.Report}");
        return training.Status == RunStatus.Interrupted ? TrainCommand.Interrupted : 0;
    }
}
