using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Imaging;
using Stethoscope.Runs;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope plot RUN</c>: every training figure of a run into <c>RUN/figures/</c>.</summary>
public static class PlotCommand
{
    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string>("RUN") { Description = "a run folder" };
        var command = new Command("plot", "Draw a run's training figures: curves, gradient norms, distributions, weight heat maps, update ratios, activation statistics.") { run };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(r.GetValue(run)!, terminal)));
        return command;
    }

    public static int Run(string run, Terminal terminal)
    {
        if (!Directory.Exists(run))
            throw new StethoscopeException($"{run}: no such run folder");
        foreach (var path in TrainingFigures.Render(new RunFolder(Path.GetFullPath(run))))
            terminal.Out.MarkupLineInterpolated($"{path}");
        return 0;
    }
}
