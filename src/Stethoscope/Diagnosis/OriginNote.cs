using System.Text.Json;

namespace Stethoscope.Diagnosis;

/// <summary>
/// What run.json's <c>non_finite_origin</c> says (written when a non-finite step was replayed with every module's
/// output and every parameter's gradient checked): the module and pass where the first NaN/inf was made and one
/// sentence. Read loosely: a run.json without it, or one that cannot be read, gives none.
/// </summary>
public sealed record OriginNote(string? Module, string Pass, string Detail)
{
    public static OriginNote? Read(string runJson)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(runJson));
            if (!document.RootElement.TryGetProperty("non_finite_origin", out var origin) || origin.ValueKind != JsonValueKind.Object)
                return null;
            string? Text(string name) => origin.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return new OriginNote(Text("module"), Text("pass") ?? "unknown", Text("detail") ?? "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The <c>diverged</c> verdict with the origin: the module as its layer, the sentence after its evidence.</summary>
    public Verdict Explain(Verdict diverged)
    {
        var where = Module is null ? $"the first non-finite value came from the {Pass} pass" : $"the first non-finite value came from {Module} ({Pass} pass)";
        var detail = Detail.Length > 0 ? $": {Detail.TrimEnd('.')}" : "";
        return diverged with
        {
            Layers = Module is null ? diverged.Layers : [Module],
            Evidence = $"{diverged.Evidence}; {where}{detail}",
        };
    }
}
