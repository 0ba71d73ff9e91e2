using System.Text.Json.Serialization;

namespace Stethoscope.Diagnosis;

/// <summary>
/// What a <see cref="DiagnosisRule"/> concluded: which rule, the layers concerned (module paths; empty when the whole
/// run is meant), the first step the evidence covers, the step the rule fired at (live, that is when it was seen), one
/// sentence of evidence with its numbers, the same numbers by name, and what to try. diagnosis.json holds a list of them.
/// </summary>
public sealed record Verdict(
    string Rule,
    string Title,
    IReadOnlyList<string> Layers,
    long FirstStep,
    long DetectedStep,
    string Evidence,
    IReadOnlyDictionary<string, double> Values,
    string Suggestion)
{
    /// <summary>One line for a console or a log: the title, the layers, the first step and the evidence.</summary>
    [JsonIgnore]
    public string Headline => $"{Title} {Finding}";

    /// <summary>The headline without the title: "in conv1, fc2 from step 18: …".</summary>
    [JsonIgnore]
    public string Finding => $"{(Layers.Count > 0 ? $"in {string.Join(", ", Layers)} " : "")}from step {FirstStep}: {Evidence}";

    /// <summary>The verdict as Markdown (TensorBoard's text dashboard).</summary>
    [JsonIgnore]
    public string Markdown => $"**{Title}** {Finding} (rule `{Rule}`, seen at step {DetectedStep}).\n\n*Try:* {Suggestion}.";
}
