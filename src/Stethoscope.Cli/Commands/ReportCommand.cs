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
            var runFolder = new RunFolder(Path.GetFullPath(folder));
            // Read first, so that a run.json that is not a manifest is named before the missing metrics.
            RunManifest.Read(runFolder.RunJson);
            if (!File.Exists(runFolder.MetricsCsv))
                throw new StethoscopeException($"{folder}: no metrics.csv, so no figures and no sound to report (the run recorded no step)");
            terminal.Out.MarkupLineInterpolated($"{RunReport.Write(runFolder)}");
            return 0;
        }));
        return command;
    }
}
