using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Report;
using Stethoscope.Runs;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope report RUN</c>: the run's page, <c>RUN/index.html</c>.</summary>
public static class ReportCommand
{
    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string>("RUN") { Description = "a run folder" };
        var command = new Command("report", "Write RUN/index.html: configuration, figures, and the gradient sound with a cursor on the norms.") { run };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
        {
            var folder = r.GetValue(run)!;
            if (!Directory.Exists(folder))
                throw new StethoscopeException($"{folder}: no such run folder");
            terminal.Out.MarkupLineInterpolated($"{RunReport.Write(new RunFolder(Path.GetFullPath(folder)))}");
            return 0;
        }));
        return command;
    }
}
