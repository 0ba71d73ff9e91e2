using Spectre.Console;
using Stethoscope.Diagnosis;

namespace Stethoscope.Cli.Output;

/// <summary>A diagnosis verdict on the console: its title in yellow, the layers, the first step and the evidence, and
/// what to try (as <c>diagnose</c> prints it, and <c>train</c> when the verdict fires).</summary>
public static class VerdictLine
{
    public static void Write(IAnsiConsole console, Verdict verdict, bool withSuggestion)
    {
        console.MarkupLineInterpolated($"[yellow]{verdict.Title}[/] [dim]({verdict.Rule})[/]: {verdict.Finding}");
        if (withSuggestion)
            console.MarkupLineInterpolated($"  try: {verdict.Suggestion}");
    }
}
