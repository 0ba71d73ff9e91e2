using Stethoscope.Diagnosis;
using Stethoscope.Training;

namespace Stethoscope.Tests.Diagnosis;

/// <summary>Constructed steps for the rules: a loss and named readings, as the watcher hands them over.</summary>
static class Readings
{
    public static StepRecord Step(long step, float loss = 1f, double learningRate = 0.05, params (string Name, float Value)[] readings) =>
        new(step, 1, learningRate, ["loss", .. readings.Select(r => r.Name)], [loss, .. readings.Select(r => r.Value)]);

    public static (string, float) Norm(string layer, float value) => ($"grad_norm/{layer}", value);

    public static (string, float) UpdateRatio(string layer, float value) => ($"dist/weight/{layer}/update_ratio", value);

    public static (string, float) Activation(string layer, string statistic, float value) => ($"act/{layer}/{statistic}", value);

    /// <summary>Feeds the steps to the rule in order; the first verdict, or null.</summary>
    public static Verdict? Feed(DiagnosisRule rule, IEnumerable<StepRecord> steps)
    {
        DiagnosisStep? previous = null;
        foreach (var step in steps)
        {
            previous = DiagnosisStep.Of(step, previous);
            if (rule.OnStep(previous) is { } verdict)
                return verdict;
        }
        return null;
    }

    /// <summary>Steps 1…<paramref name="count"/> with the given readings at each.</summary>
    public static IEnumerable<StepRecord> Steps(int count, Func<long, (string, float)[]> readings, Func<long, float>? loss = null, Func<long, double>? learningRate = null) =>
        Enumerable.Range(1, count).Select(i => Step(i, loss?.Invoke(i) ?? 1f, learningRate?.Invoke(i) ?? 0.05, readings(i)));
}
