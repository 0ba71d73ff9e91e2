using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>
/// Every training figure of a run, into its <c>figures/</c> folder: <c>curves.png</c> (loss and accuracy, train and
/// test), <c>gradient-norms.png</c>, where the run recorded distributions <c>distributions.png</c>,
/// <c>weight-heatmaps.png</c> and <c>update-ratios.png</c>, and where it recorded activation statistics
/// <c>activations.png</c>. Returns the paths written.
/// </summary>
public static class TrainingFigures
{
    public static IReadOnlyList<string> Render(RunFolder run)
    {
        var manifest = RunManifest.Read(run.RunJson);
        var written = new List<string>();
        string Output(string name) => Path.Combine(run.Figures, name);
        CurvesChart.SavePng([new RunSeries(manifest.Name, run)], Output("curves.png"));
        written.Add(Output("curves.png"));
        GradientNormChart.SavePng([new NormTrace($"{manifest.Name}: gradient norm per layer (log scale)", MetricsCsv.Open(run.MetricsCsv))], Output("gradient-norms.png"));
        written.Add(Output("gradient-norms.png"));
        if (File.Exists(run.Activations) && ActivationsCsv.Read(run.Activations) is { Count: > 0 } activations)
        {
            ActivationChart.SavePng(activations, Output("activations.png"));
            written.Add(Output("activations.png"));
        }
        if (!File.Exists(run.Distributions))
            return written;
        var rows = DistributionsCsv.Read(run.Distributions);
        DistributionChart.SavePng(rows, Output("distributions.png"));
        UpdateRatioChart.SavePng(rows, Output("update-ratios.png"));
        written.Add(Output("distributions.png"));
        written.Add(Output("update-ratios.png"));
        var layers = rows.Select(r => r.Distribution.Layer).Distinct().Where(l => File.Exists(run.WeightSamples(l))).ToArray();
        if (layers.Length > 0)
        {
            WeightHeatmapChart.SavePng(run, layers, Output("weight-heatmaps.png"));
            written.Add(Output("weight-heatmaps.png"));
        }
        return written;
    }
}
