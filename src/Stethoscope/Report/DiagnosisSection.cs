using System.Net;
using System.Text;
using Stethoscope.Diagnosis;
using Stethoscope.Imaging;
using Stethoscope.Runs;

namespace Stethoscope.Report;

/// <summary>
/// The "Diagnosis" section at the top of a run's report: every verdict of the run (its files replayed through the
/// rules, <see cref="RunDiagnosis"/>) with its layers, first step, evidence and suggestion, and its evidence figure
/// (<see cref="VerdictFigure"/>, drawn now into <c>figures/diagnosis-&lt;rule&gt;.png</c>); or a line saying that no rule
/// fired. Those figures are shown here only, not again in the report's list of figures.
/// </summary>
public static class DiagnosisSection
{
    const string FigurePrefix = "diagnosis-";

    public static string Html(RunFolder run)
    {
        if (!File.Exists(run.MetricsCsv))
            return "";
        var diagnosis = RunDiagnosis.Of(run);
        var html = new StringBuilder($"""<section class="diagnosis"><style>{Style}</style><h2>Diagnosis</h2>""").Append('\n');
        if (diagnosis.Verdicts.Count == 0)
            html.Append($"""<p class="verdict-none">No verdict: none of the {DiagnosisRule.Standard().Count} rules fired over {diagnosis.Steps:N0} steps.</p>""").Append('\n');
        foreach (var verdict in diagnosis.Verdicts)
            html.Append(Article(run, verdict)).Append('\n');
        return html.Append("</section>\n").ToString();
    }

    /// <summary>Whether <paramref name="figure"/> is one of the verdict figures this section shows.</summary>
    public static bool Shows(string figure) => Path.GetFileName(figure).StartsWith(FigurePrefix, StringComparison.Ordinal);

    static string Article(RunFolder run, Verdict verdict)
    {
        var layers = verdict.Layers.Count > 0 ? $"{string.Join(", ", verdict.Layers)}; " : "";
        var seen = verdict.DetectedStep != verdict.FirstStep ? $" (seen at step {verdict.DetectedStep})" : "";
        var figure = VerdictFigure.Render(run, verdict) is { } path
            ? $"""<figure><img src="{E(Path.GetRelativePath(run.Root, path).Replace('\\', '/'))}" alt="{E($"Evidence of {verdict.Title}: {verdict.Evidence}")}"><figcaption>{E($"Evidence: the black line is step {verdict.FirstStep}")}</figcaption></figure>"""
            : "";
        return $"""
            <article class="verdict" id="verdict-{E(verdict.Rule)}"><h3>{E(verdict.Title)} <code>{E(verdict.Rule)}</code></h3>
            <p class="where">{E($"{layers}from step {verdict.FirstStep}{seen}")}</p>
            <p class="evidence">{E(verdict.Evidence)}</p>
            <p class="suggestion">Try: {E(verdict.Suggestion)}</p>
            {figure}</article>
            """;
    }

    static string E(string text) => WebUtility.HtmlEncode(text);

    const string Style = """
        section.diagnosis{margin:1em 0 2em}.verdict{border-left:4px solid #d60;background:#fff8f0;padding:.3em 1em;margin:1em 0}
        .verdict h3{margin:.3em 0;color:#a40}.verdict code{font-weight:normal;color:#888}.verdict .where{color:#555;margin:.2em 0}
        .verdict .suggestion{font-style:italic}.verdict-none{color:#070}
        """;
}
