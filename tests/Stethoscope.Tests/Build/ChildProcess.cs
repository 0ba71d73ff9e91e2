using System.Diagnostics;

namespace Stethoscope.Tests.Build;

/// <summary>Runs a program to its end (in a given folder, or this one) and returns its exit code with everything it printed.</summary>
static class ChildProcess
{
    public static (int Code, string Output) Run(string program, IEnumerable<string> args, string? folder = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder ?? "" };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }
}
