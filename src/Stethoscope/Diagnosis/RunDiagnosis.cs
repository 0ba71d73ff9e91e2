using Stethoscope.Runs;

namespace Stethoscope.Diagnosis;

/// <summary>
/// The verdicts of a recorded run, finished or running, and the number of steps checked: its files replayed
/// (<see cref="RunReplay"/>) through the standard rules, exactly as they ran live, with the first non-finite module
/// from run.json added to <c>diverged</c>.
/// </summary>
public sealed record RunDiagnosis(IReadOnlyList<Verdict> Verdicts, long Steps)
{
    public static RunDiagnosis Of(RunFolder run)
    {
        var diagnostician = new Diagnostician();
        RunReplay.Play(run, diagnostician);
        return new RunDiagnosis(WithOrigin(diagnostician.Verdicts, run), diagnostician.Steps);
    }

    /// <summary>The verdicts with run.json's <c>non_finite_origin</c> added to <c>diverged</c>, when there is one.</summary>
    public static IReadOnlyList<Verdict> WithOrigin(IReadOnlyList<Verdict> verdicts, RunFolder run)
    {
        if (!verdicts.Any(v => v.Rule == DivergedRule.RuleId) || OriginOf(run) is not { } origin)
            return verdicts;
        return [.. verdicts.Select(v => v.Rule == DivergedRule.RuleId ? DivergedRule.Explain(v, origin) : v)];
    }

    /// <summary>run.json's origin, or none: a run whose run.json is missing or damaged is still diagnosed from its CSVs.</summary>
    static Training.NonFiniteOrigin? OriginOf(RunFolder run)
    {
        try
        {
            return RunManifest.Read(run.RunJson).NonFiniteOrigin;
        }
        catch (StethoscopeException)
        {
            return null;
        }
    }
}
