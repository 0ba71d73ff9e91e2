using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Diagnosis;
using Stethoscope.Runs;

namespace Stethoscope.Cli.Commands;

/// <summary>
/// <c>stethoscope diagnose RUN [--json]</c>: the verdicts of a finished or running run, from its files replayed through
/// the same rules that ran live. Exit code 0 with or without verdicts; a RUN that is not a run folder is one error line
/// and exit code 1.
/// </summary>
public static class DiagnoseCommand
{
    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string>("RUN") { Description = "a run folder (finished or running)" };
        var json = new Option<bool>("--json") { Description = "print diagnosis.json's form: {\"version\":1,\"verdicts\":[{\"rule\",\"title\",\"layers\",\"first_step\",\"detected_step\",\"evidence\",\"values\",\"suggestion\"}…]}" };
        var command = new Command("diagnose", "Say what is wrong with a run: which rule, which layers, since which step, the evidence and what to try.") { run, json };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(r.GetValue(run)!, r.GetValue(json), terminal)));
        return command;
    }

    public static int Run(string run, bool json, Terminal terminal)
    {
        if (!Directory.Exists(run))
            throw new StethoscopeException($"{run}: no such run folder");
        var folder = new RunFolder(Path.GetFullPath(run));
        if (!File.Exists(folder.MetricsCsv))
            throw new StethoscopeException($"{run}: no metrics.csv, so nothing to diagnose (is this a run folder? a run writes it from its first step)");
        var diagnosis = RunDiagnosis.Of(folder);
        if (json)
        {
            terminal.Out.Profile.Out.Writer.WriteLine(DiagnosisFile.Text(diagnosis.Verdicts, indented: false));
            return 0;
        }
        if (diagnosis.Verdicts.Count == 0)
        {
            terminal.Out.MarkupLineInterpolated($"[green]no verdict[/]: {diagnosis.Steps} steps checked, nothing wrong found ({run})");
            return 0;
        }
        terminal.Out.MarkupLineInterpolated($"{diagnosis.Verdicts.Count} verdict{(diagnosis.Verdicts.Count == 1 ? "" : "s")} after {diagnosis.Steps} steps ({run}):");
        foreach (var verdict in diagnosis.Verdicts)
            VerdictLine.Write(terminal.Out, verdict, withSuggestion: true);
        return 0;
    }
}
