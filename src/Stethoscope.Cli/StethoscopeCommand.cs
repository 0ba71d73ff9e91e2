using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Commands;
using Stethoscope.Cli.Output;

namespace Stethoscope.Cli;

/// <summary>The <c>stethoscope</c> command tree, and the one place where parse errors and user errors become exit codes.</summary>
public static class StethoscopeCommand
{
    /// <summary>Exit code of a command-line mistake (unknown option, bad value).</summary>
    public const int UsageError = 2;

    public static RootCommand Create(Terminal terminal) => new("Look and listen inside convolutional networks while they train.")
    {
        DemoCommand.Create(terminal),
        TrainCommand.Create(terminal),
        ModelsCommand.Create(terminal),
        SummaryCommand.Create(terminal),
        RfCommand.Create(terminal),
        ErfCommand.Create(terminal),
        ErfStudyCommand.Create(terminal),
        FiltersCommand.Create(terminal),
        PlotCommand.Create(terminal),
        CompareCommand.Create(terminal),
        ActivationsCommand.Create(terminal),
        HypercolumnsCommand.Create(terminal),
        ReportCommand.Create(terminal),
        DashboardCommand.Create(terminal),
        SonifyCommand.Create(terminal),
        SeedSoundsCommand.Create(terminal),
    };

    public static int Invoke(string[] args, Terminal terminal)
    {
        var parsed = Create(terminal).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var command = parsed.CommandResult.Command is RootCommand ? "stethoscope" : $"stethoscope {parsed.CommandResult.Command.Name}";
            terminal.Error.MarkupLineInterpolated($"[red]error:[/] {OneLine(parsed.Errors[0].Message)} (see '{command} --help')");
            return UsageError;
        }
        return parsed.Invoke();
    }

    /// <summary>System.CommandLine lists choices on separate lines; an error here is one line.</summary>
    static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// Runs a command body, turning a <see cref="StethoscopeException"/> into one red line: exit code 2 for an option's
    /// value (<see cref="InvalidOptionException"/>, as a parse error), 1 for a bad file or name.
    /// </summary>
    public static int Guard(Terminal terminal, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InvalidOptionException e)
        {
            terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return UsageError;
        }
        catch (StethoscopeException e)
        {
            terminal.Error.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }
}
