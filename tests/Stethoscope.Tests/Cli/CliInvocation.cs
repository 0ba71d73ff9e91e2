using Spectre.Console.Testing;
using Stethoscope.Cli;
using Stethoscope.Cli.Output;

namespace Stethoscope.Tests.Cli;

/// <summary>Runs the <c>stethoscope</c> command tree in process, capturing what it prints.</summary>
static class CliInvocation
{
    public static (int Code, string Out, string Error) Invoke(params string[] args)
    {
        var output = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var code = StethoscopeCommand.Invoke(args, new Terminal(output, error));
        return (code, output.Output, error.Output);
    }

    /// <summary>Asserts the error contract: exit <paramref name="code"/>, one line on stderr starting "error: ", no stack trace.</summary>
    public static string AssertOneLineError(int code, (int Code, string Out, string Error) result)
    {
        Assert.Equal(code, result.Code);
        Assert.StartsWith("error: ", result.Error);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", result.Error + result.Out);
        return result.Error;
    }
}
