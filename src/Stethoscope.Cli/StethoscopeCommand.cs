using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Commands;
using Stethoscope.Cli.Output;
using Stethoscope.Training;

namespace Stethoscope.Cli;

/// <summary>The <c>stethoscope</c> command tree, and the one place where parse errors and user errors become exit codes.</summary>
public static partial class StethoscopeCommand
{
    /// <summary>Exit code of a command-line mistake (unknown option, bad value).</summary>
    public const int UsageError = 2;

    /// <summary>
    /// <c>--verbose</c>, on every command: the full stack trace after the <c>error:</c> line, for a bug report.
    /// </summary>
    static Option<bool> VerboseOption() => new(VerboseName) { Description = "after an error, also print the stack trace", Recursive = true };

    const string VerboseName = "--verbose";

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
        DiagnoseCommand.Create(terminal),
        DashboardCommand.Create(terminal),
        SonifyCommand.Create(terminal),
        SeedSoundsCommand.Create(terminal),
        DataCommand.Create(terminal),
        VerboseOption(),
    };

    /// <summary>
    /// Parses and runs <paramref name="args"/>: a parse error is one line and exit code 2, and every exception the
    /// command throws goes through <see cref="ErrorBoundary"/> (System.CommandLine's own handler, which prints a stack
    /// trace, is turned off).
    /// </summary>
    public static int Invoke(string[] args, Terminal terminal)
    {
        var verbose = args.Contains(VerboseName);
        return ErrorBoundary.Run(terminal, verbose, () =>
        {
            var root = Create(terminal);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                terminal.Error.MarkupLineInterpolated($"[red]error:[/] {ParseError(root, parsed)}");
                return UsageError;
            }
            // Before any command touches a tensor, so that oneDNN's first use sees the kernel choice and its cap.
            CpuKernels.EnsureConfigured();
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        });
    }

    /// <summary>
    /// The first parse error in words: an unknown or missing command lists the commands, and .NET type names
    /// (<c>System.Int32</c>) become what the user would type.
    /// </summary>
    static string ParseError(RootCommand root, ParseResult parsed)
    {
        var commands = string.Join(", ", root.Subcommands.Select(c => c.Name));
        if (parsed.CommandResult.Command is RootCommand)
        {
            if (parsed.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')) is { } unknown)
                return $"unknown command '{unknown}'; commands: {commands} (see 'stethoscope --help')";
            if (parsed.UnmatchedTokens.Count == 0)
                return $"no command given; commands: {commands} (see 'stethoscope --help')";
        }
        var command = parsed.CommandResult.Command is RootCommand ? "stethoscope" : $"stethoscope {parsed.CommandResult.Command.Name}";
        return $"{Readable(OneLine(parsed.Errors[0].Message))} (see '{command} --help')";
    }

    /// <summary>Replaces "as expected type 'System.Double'" and the like with the kind of value expected.</summary>
    static string Readable(string message) => TypeName().Replace(message, m => m.Groups[1].Value switch
    {
        "System.Double" or "System.Single" => "as a number",
        "System.Int32" or "System.Int64" => "as a whole number",
        "System.Boolean" => "as true or false",
        _ => "as a value of this option",
    });

    [System.Text.RegularExpressions.GeneratedRegex(@"as expected type '(?:System\.Nullable`1\[)?([\w.]+)\]?'")]
    private static partial System.Text.RegularExpressions.Regex TypeName();

    /// <summary>System.CommandLine lists choices on separate lines; an error here is one line.</summary>
    static string OneLine(string message) => ErrorBoundary.OneLine(message);

    /// <summary>
    /// Runs a command body. Kept for the commands that call it: every exception now goes up to
    /// <see cref="ErrorBoundary"/> in <see cref="Invoke"/>, which knows whether <c>--verbose</c> was given.
    /// </summary>
    public static int Guard(Terminal terminal, Func<int> body)
    {
        _ = terminal;
        return body();
    }
}
