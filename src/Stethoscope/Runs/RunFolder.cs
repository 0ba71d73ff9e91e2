namespace Stethoscope.Runs;

/// <summary>
/// The paths of a run folder, the contract every renderer relies on: <c>run.json</c>, <c>metrics.csv</c>,
/// <c>eval.csv</c>, <c>weights/</c>, <c>checkpoints/</c>, <c>tensorboard/</c>, <c>sound/</c>, <c>figures/</c>, <c>index.html</c>.
/// </summary>
public sealed record RunFolder(string Root)
{
    public string RunJson => Path.Combine(Root, "run.json");
    public string MetricsCsv => Path.Combine(Root, "metrics.csv");
    public string EvalCsv => Path.Combine(Root, "eval.csv");
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    public string FinalCheckpoint => Path.Combine(Checkpoints, "final.dat");
    public string InitialCheckpoint => Path.Combine(Checkpoints, "initial.dat");
    public string TensorBoard => Path.Combine(Root, "tensorboard");

    /// <summary>TensorBoard's audio summaries, in their own folder (TensorBoard shows it as the run <c>…/sound</c>):
    /// TensorBoard follows only the newest event file of a folder, so two writers cannot share one.</summary>
    public string TensorBoardSound => Path.Combine(TensorBoard, "sound");

    /// <summary>TensorBoard's filter-grid images, in their own folder for the same reason (the run <c>…/filters</c>).</summary>
    public string TensorBoardFilters => Path.Combine(TensorBoard, "filters");

    public string Sound => Path.Combine(Root, "sound");

    /// <summary>The gradient sound streamed while training.</summary>
    public string GradientSound => Path.Combine(Sound, "gradient-norms.wav");

    public string Figures => Path.Combine(Root, "figures");

    /// <summary>Weight and gradient distributions and weight samples over time (<see cref="DistributionLog"/>).</summary>
    public string Weights => Path.Combine(Root, "weights");

    public string Distributions => Path.Combine(Weights, "distributions.csv");

    /// <summary>The sampled weights of one layer over time, for heat maps.</summary>
    public string WeightSamples(string layer) => Path.Combine(Weights, $"{layer}.csv");

    /// <summary>A new folder <c>runs/&lt;model&gt;-&lt;time&gt;</c> under <paramref name="parent"/>, suffixed when taken.</summary>
    public static RunFolder CreateUnder(string parent, string model)
    {
        var stem = Path.Combine(parent, $"{model}-{DateTime.Now:yyyyMMdd-HHmmss}");
        var root = stem;
        for (var i = 2; Directory.Exists(root); i++)
            root = $"{stem}-{i}";
        return Create(root);
    }

    /// <summary>Creates the folder; refuses one that already holds a run, so nothing is overwritten.</summary>
    public static RunFolder Create(string root)
    {
        var folder = new RunFolder(Path.GetFullPath(root));
        if (File.Exists(folder.RunJson))
            throw new StethoscopeException($"{root} already holds a run (run.json); choose another --out");
        Directory.CreateDirectory(folder.Checkpoints);
        return folder;
    }
}
