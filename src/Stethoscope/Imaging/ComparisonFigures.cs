using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// The training figures of several runs overlaid, each run labelled by what differs between them
/// (<see cref="RunLabels"/>): <c>curves.png</c>, <c>gradient-norms.png</c>, and where every run recorded them
/// <c>distributions.png</c> and <c>weight-heatmaps.png</c> (side by side). Returns the paths written.
/// </summary>
public static class ComparisonFigures
{
    public static IReadOnlyList<string> Render(IReadOnlyList<RunFolder> runs, string folder)
    {
        if (runs.Count < 2)
            throw new StethoscopeException($"a comparison needs at least two runs; got {runs.Count}");
        var manifests = runs.Select(r => RunManifest.Read(r.RunJson)).ToArray();
        var labels = RunLabels.Of(manifests);
        var series = runs.Select((r, i) => new RunSeries(labels[i], r)).ToArray();
        var written = new List<string>();
        string Output(string name)
        {
            var path = Path.Combine(folder, name);
            written.Add(path);
            return path;
        }
        CurvesChart.SavePng(series, Output("curves.png"));
        GradientNormChart.SaveOverlayPng(series, Output("gradient-norms.png"));
        if (!runs.All(r => File.Exists(r.Distributions)))
            return written;
        var distributions = series.Select(s => new RunDistributions(s.Label, DistributionsCsv.Read(s.Run.Distributions))).ToArray();
        DistributionChart.SavePng(distributions, Output("distributions.png"));
        var layers = distributions[0].Rows.Select(r => r.Distribution.Layer).Distinct().Where(l => runs.All(r => File.Exists(r.WeightSamples(l)))).ToArray();
        if (layers.Length > 0)
            WeightHeatmapChart.SavePng(series, layers, Output("weight-heatmaps.png"));
        return written;
    }
}
