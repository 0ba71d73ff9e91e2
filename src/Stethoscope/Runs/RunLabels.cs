using System.Globalization;

namespace Stethoscope.Runs;

/// <summary>
/// Names runs by what differs between them — model, data, optimizer, learning rate, momentum, batch size, weight
/// decay, seed, … — so a comparison reads "lr 0.01" against "lr 1" rather than two folder names. Runs that differ
/// in none of these are named by their folders.
/// </summary>
public static class RunLabels
{
    static readonly (string Name, Func<RunManifest, string> Value)[] Fields =
    [
        ("model", m => m.Config.Model),
        ("data", m => m.Config.Data),
        ("optimizer", m => m.Config.Optimizer),
        ("lr", m => Number(m.Config.LearningRate)),
        ("momentum", m => Number(m.Config.Momentum)),
        ("nesterov", m => m.Config.Nesterov ? "on" : "off"),
        ("weight decay", m => Number(m.Config.WeightDecay)),
        ("batch", m => m.Config.BatchSize.ToString(CultureInfo.InvariantCulture)),
        ("epochs", m => m.Config.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "-"),
        ("max steps", m => m.Config.MaxSteps?.ToString(CultureInfo.InvariantCulture) ?? "-"),
        ("seed", m => m.Seed.ToString(CultureInfo.InvariantCulture)),
    ];

    public static IReadOnlyList<string> Of(IReadOnlyList<RunManifest> runs)
    {
        var differing = Fields.Where(f => runs.Select(f.Value).Distinct().Count() > 1).ToArray();
        var labels = runs.Select(run => differing.Length == 0 ? run.Name : string.Join(", ", differing
            .Where(f => f.Value(run) != "-")
            .Select(f => f.Name == "optimizer" ? f.Value(run) : $"{f.Name} {f.Value(run)}"))).ToArray();
        // Same settings in every field we know: fall back to the folder names so no two lines share a label.
        return labels.Distinct().Count() == labels.Length ? labels : [.. runs.Select(r => r.Name)];
    }

    static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
