namespace Stethoscope.Diagnosis;

/// <summary>
/// A rule on one activation statistic that is a share of a layer (<c>act/&lt;layer&gt;/&lt;statistic&gt;</c>, sampled every
/// N steps by the activation statistics probe): it fires when a layer's share is at least <see cref="Threshold"/> on
/// <see cref="Samples"/> samples in a row, naming every layer in that state.
/// </summary>
public abstract class UnitShareRule : DiagnosisRule
{
    readonly Dictionary<string, (long Since, int Count)> streaks = [];

    /// <summary>The activation statistic read (<c>dead_fraction</c>, <c>saturated_fraction</c>).</summary>
    public abstract string Statistic { get; }

    public abstract double Threshold { get; }

    public abstract int Samples { get; }

    /// <summary>What the share counts, for the evidence ("units dead for the whole batch").</summary>
    protected abstract string Counted { get; }

    public override Verdict? OnStep(DiagnosisStep step)
    {
        var shares = step.Activations(Statistic);
        if (shares.Count == 0)
            return null;
        foreach (var (layer, share) in shares)
        {
            if (share >= Threshold)
                streaks[layer] = streaks.TryGetValue(layer, out var s) ? (s.Since, s.Count + 1) : (step.Step, 1);
            else
                streaks.Remove(layer);
        }
        var hit = shares.Where(s => streaks.TryGetValue(s.Layer, out var streak) && streak.Count >= Samples).ToArray();
        if (hit.Length == 0)
            return null;
        var first = hit.Min(s => streaks[s.Layer].Since);
        var worst = hit.MaxBy(s => s.Value);
        var each = string.Join(", ", hit.Select(s => $"{s.Layer} {Percent(s.Value)}"));
        return Fire(hit.Select(s => s.Layer), first, step.Step,
            $"{Counted} at step {step.Step}: {each} (threshold {Percent(Threshold)}, on {Samples} samples in a row since step {first})",
            [("threshold", Threshold), ("max_share", worst.Value), .. hit.Select(s => (s.Layer, (double)s.Value))]);
    }

    static string Percent(double share) => share.ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
}
