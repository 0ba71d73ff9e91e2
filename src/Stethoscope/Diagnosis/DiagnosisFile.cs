using System.Text.Json;
using System.Text.Json.Serialization;
using Stethoscope.Data;
using Stethoscope.Runs;

namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>diagnosis.json</c> at a run folder's root: <c>{"version": 1, "verdicts": [{"rule", "title", "layers", "first_step",
/// "detected_step", "evidence", "values", "suggestion"}, …]}</c>, written atomically. No file, or an empty list, means
/// no verdict. <c>detected_step</c> is the step the verdict was given at (where the sound's cue plays).
/// </summary>
public static class DiagnosisFile
{
    public const string FileName = "diagnosis.json";
    public const int Version = 1;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // Evidence is for people: "→" and "‖Δw‖" stay as they are rather than \u escapes (the file is UTF-8).
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string PathIn(RunFolder run) => Path.Combine(run.Root, FileName);

    public static void Write(string path, IReadOnlyList<Verdict> verdicts) => AtomicFile.WriteAllText(path, Text(verdicts));

    /// <summary>The file's contents for <paramref name="verdicts"/>; <paramref name="indented"/> false gives one line.</summary>
    public static string Text(IReadOnlyList<Verdict> verdicts, bool indented = true) =>
        JsonSerializer.Serialize(new Contents(Version, verdicts), indented ? Json : new JsonSerializerOptions(Json) { WriteIndented = false });

    /// <summary>The verdicts in the file; none when there is no file. A file that is not a diagnosis is one clear error.</summary>
    public static IReadOnlyList<Verdict> Read(string path)
    {
        if (!File.Exists(path))
            return [];
        try
        {
            var contents = JsonSerializer.Deserialize<Contents>(File.ReadAllText(path), Json);
            if (contents?.Verdicts is not { } verdicts || verdicts.Any(v => v?.Rule is null || v.Layers is null || v.Values is null))
                throw new DataFormatException(path, "not a diagnosis file: it needs a list 'verdicts' of objects with rule, layers and values");
            return verdicts;
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"not valid JSON ({e.Message.Split('.')[0]})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot be read ({e.Message.Split('\n')[0]})");
        }
    }

    sealed record Contents(int Version, IReadOnlyList<Verdict> Verdicts);
}
