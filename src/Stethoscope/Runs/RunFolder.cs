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

    /// <summary>Activation statistics per sampled step and module (<see cref="ActivationLog"/>).</summary>
    public string Activations => Path.Combine(Root, "activations.csv");

    /// <summary>The lock file that makes one process the only writer of a run folder while it runs.</summary>
    public string LockFile => Path.Combine(Root, "run.lock");

    /// <summary>The Unix error a refused flock gives (EWOULDBLOCK, that is EAGAIN, 11 on Linux), which .NET keeps as the HResult.</summary>
    const int LockHeldElsewhere = 11;

    /// <summary>The locks this process holds, by run folder; the operating system drops them if the process dies.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FileStream> Held = new();

    /// <summary>A new folder <c>runs/&lt;model&gt;-&lt;time&gt;</c> under <paramref name="parent"/>, suffixed when taken.</summary>
    public static RunFolder CreateUnder(string parent, string model)
    {
        var stem = Path.Combine(parent, $"{model}-{DateTime.Now:yyyyMMdd-HHmmss}");
        var root = stem;
        // Two runs started in the same second race for one name: the loser of the lock takes the next suffix.
        for (var i = 2; ; i++)
        {
            if (!Directory.Exists(root) && TryCreate(root) is { } folder)
                return folder;
            root = $"{stem}-{i}";
        }
    }

    /// <summary>
    /// Creates the folder and takes its lock (<c>run.lock</c>, held until <see cref="Release"/> or the end of the
    /// process); refuses a path that is not a folder, one that already holds a run, and one another process is writing,
    /// so nothing is overwritten and two writers never share a folder.
    /// </summary>
    public static RunFolder Create(string root)
    {
        if (string.IsNullOrWhiteSpace(root))
            throw new OutputException("a run folder path cannot be empty");
        var folder = new RunFolder(Path.GetFullPath(root));
        if (FileEntry.Of(folder.Root).Kind is not (FileKind.Missing or FileKind.Directory))
            throw new OutputException($"{root}: exists and is not a folder; choose another --out");
        if (File.Exists(folder.RunJson))
            throw new StethoscopeException($"{root} already holds a run (run.json); choose another --out");
        return TryCreate(root) ?? throw new OutputException($"{root}: another process is writing a run there; choose another --out");
    }

    /// <summary>The folder with its lock taken, or null when another writer holds it or a run already ended there.</summary>
    static RunFolder? TryCreate(string root)
    {
        var folder = new RunFolder(Path.GetFullPath(root));
        FileStream lockStream;
        try
        {
            Directory.CreateDirectory(folder.Root);
            // FileShare.None is an exclusive flock on Unix, taken atomically with the open: of two processes
            // (or two commands in one process) exactly one gets it.
            lockStream = new FileStream(folder.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == LockHeldElsewhere)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(folder.Root, e);
        }
        // Checked again under the lock: a run that ended between the first check and the lock is not overwritten.
        if (File.Exists(folder.RunJson) || !Held.TryAdd(folder.Root, lockStream))
        {
            lockStream.Dispose();
            if (File.Exists(folder.RunJson))
                throw new StethoscopeException($"{root} already holds a run (run.json); choose another --out");
            return null;
        }
        try
        {
            Directory.CreateDirectory(folder.Checkpoints);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            folder.Release();
            throw new OutputException(folder.Checkpoints, e);
        }
        return folder;
    }

    /// <summary>Gives up this process's lock on the folder (the recorder does at its end) and removes the lock file.</summary>
    public void Release()
    {
        if (!Held.TryRemove(Root, out var lockStream))
            return;
        try
        {
            File.Delete(LockFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A lock file that cannot be removed is harmless: the lock itself ends with the stream.
        }
        lockStream.Dispose();
    }
}
