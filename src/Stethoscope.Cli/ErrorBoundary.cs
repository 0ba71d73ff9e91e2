using Spectre.Console;
using Stethoscope.Cli.Output;

namespace Stethoscope.Cli;

/// <summary>
/// The one place where a failure becomes what the user sees: one red <c>error:</c> line on stderr and an exit code
/// (2 for an option's value, 1 for a bad file or name or an input/output failure, 1 for anything unforeseen), and the
/// stack trace only under <c>--verbose</c>.
/// </summary>
public static class ErrorBoundary
{
    /// <summary>Exit code of a bad file, an unknown name or a failed read or write.</summary>
    public const int Failure = 1;

    /// <summary>Runs <paramref name="body"/>; any exception it throws is reported and becomes an exit code.</summary>
    public static int Run(Terminal terminal, bool verbose, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e);
            terminal.Error.MarkupLineInterpolated($"[red]error:[/] {message}");
            if (verbose)
                terminal.Error.WriteLine(e.ToString(), Style.Plain);
            return code;
        }
    }

    /// <summary>The exit code and the one line for <paramref name="e"/>.</summary>
    public static (int Code, string Message) Describe(Exception e) => e switch
    {
        InvalidOptionException => (StethoscopeCommand.UsageError, OneLine(e.Message)),
        StethoscopeException => (Failure, OneLine(e.Message)),
        UnauthorizedAccessException => (Failure, $"{OneLine(e.Message)} (permission denied)"),
        IOException io => (Failure, OneLine(io.Message) + Reason(io)),
        // An exception wrapping a user error (a type initializer, a task) is reported as that error.
        TypeInitializationException or AggregateException when e.InnerException is { } inner => Describe(inner),
        OutOfMemoryException => (Failure, "not enough memory for this input; try a smaller one"),
        _ => (Failure, $"{OneLine(e.Message)} (an unexpected failure; --verbose shows where)"),
    };

    /// <summary>
    /// The cause of an input/output failure in words, from the error number that .NET keeps in the exception's
    /// HResult on Unix (ENOSPC 28, EROFS 30, EDQUOT 122), so that a full disk is not mistaken for a bad path.
    /// </summary>
    public static string Reason(IOException e) => (e.HResult & 0xFFFF) switch
    {
        28 or 122 or 0x70 => " (disk full)",
        30 => " (read-only file system)",
        13 => " (permission denied)",
        _ => "",
    };

    /// <summary>An exception message may span lines; an error is one.</summary>
    public static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
