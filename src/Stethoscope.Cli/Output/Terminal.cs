using Spectre.Console;

namespace Stethoscope.Cli.Output;

/// <summary>Where a command writes: results to <see cref="Out"/>, errors to <see cref="Error"/> (stdout and stderr in the real program).</summary>
public sealed record Terminal(IAnsiConsole Out, IAnsiConsole Error)
{
    public static Terminal System => new(
        AnsiConsole.Console,
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));
}
