using System.Text.Json;
using Spectre.Console;

namespace Stethoscope.Cli.Output;

/// <summary>Where a command writes: results to <see cref="Out"/>, errors to <see cref="Error"/> (stdout and stderr in the real program).</summary>
public sealed record Terminal(IAnsiConsole Out, IAnsiConsole Error)
{
    /// <summary>Spectre wraps at 80 columns when it cannot see a terminal; a piped error must stay one line.</summary>
    const int RedirectedWidth = 4000;

    public static Terminal System => new(
        Unwrapped(AnsiConsole.Console, Console.IsOutputRedirected),
        Unwrapped(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.IsErrorRedirected));

    /// <summary>Writes <paramref name="value"/> as one line of JSON to <see cref="Out"/>, untouched by markup or wrapping.</summary>
    public void WriteJson(object value) => Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value));

    static IAnsiConsole Unwrapped(IAnsiConsole console, bool redirected)
    {
        if (redirected)
            console.Profile.Width = RedirectedWidth;
        return console;
    }
}
