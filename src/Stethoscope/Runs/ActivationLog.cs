using System.Globalization;
using Stethoscope.Probes;
using Stethoscope.Training;

namespace Stethoscope.Runs;

/// <summary>
/// Writes what <see cref="ActivationStatisticsProbe"/> measured into <c>activations.csv</c> at the run folder's root:
/// one row per sampled step and module, <c>step,epoch,layer,kind,mean,std,zero_fraction,dead_fraction,saturated_fraction</c>,
/// modules in forward order, <c>kind</c> the module's type name, an empty cell where a statistic does not apply. The
/// file is created at the first sampled step (a run without the probe has none). The same readings go to TensorBoard as
/// scalars <c>act/&lt;layer&gt;/&lt;statistic&gt;</c> through the recorder.
/// </summary>
public sealed class ActivationLog(string path, IReadOnlyDictionary<string, string> kinds) : IDisposable
{
    public static readonly string[] Columns = ["step", "epoch", "layer", "kind", .. ActivationStatisticsProbe.Statistics];

    StreamWriter? writer;

    /// <summary>Writes the activation readings of <paramref name="step"/>, if it has any.</summary>
    public void Write(StepRecord step)
    {
        var layers = Readings(step);
        if (layers.Count == 0)
            return;
        if (writer is null)
        {
            writer = new StreamWriter(path);
            writer.WriteLine(string.Join(",", Columns));
        }
        foreach (var (layer, values) in layers)
            writer.WriteLine(string.Join(",", [Format(step.Step), Format(step.Epoch), layer, kinds.GetValueOrDefault(layer, ""), .. values.Select(Format)]));
    }

    /// <summary>The statistics of each measured module, in the order the probe reported them.</summary>
    static List<(string Layer, float?[] Values)> Readings(StepRecord step)
    {
        var layers = new List<(string, float?[])>();
        var byLayer = new Dictionary<string, float?[]>();
        for (var i = 0; i < step.Names.Count; i++)
        {
            var name = step.Names[i];
            if (!name.StartsWith(ActivationStatisticsProbe.Prefix, StringComparison.Ordinal))
                continue;
            var slash = name.LastIndexOf('/');
            var statistic = Array.IndexOf(ActivationStatisticsProbe.Statistics, name[(slash + 1)..]);
            if (statistic < 0 || slash <= ActivationStatisticsProbe.Prefix.Length)
                continue;
            var layer = name[ActivationStatisticsProbe.Prefix.Length..slash];
            if (!byLayer.TryGetValue(layer, out var values))
            {
                byLayer[layer] = values = new float?[ActivationStatisticsProbe.Statistics.Length];
                layers.Add((layer, values));
            }
            values[statistic] = step.Values[i];
        }
        return layers;
    }

    public void Flush() => writer?.Flush();

    public void Dispose()
    {
        writer?.Dispose();
        writer = null;
    }

    static string Format(float? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
