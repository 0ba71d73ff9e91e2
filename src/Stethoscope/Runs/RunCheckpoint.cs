using Stethoscope.Data;
using Stethoscope.Models;

namespace Stethoscope.Runs;

/// <summary>Which of a run's checkpoints to open.</summary>
public enum CheckpointStage { Initial, Final }

/// <summary>
/// A checkpoint of a run and the run it belongs to: the run's model is rebuilt from run.json (model name, input
/// shape, classes) and the checkpoint's weights are loaded into it. A path may name the run folder (its final
/// checkpoint) or a checkpoint file inside the run's <c>checkpoints/</c>.
/// </summary>
public sealed record RunCheckpoint(RunFolder Run, RunManifest Manifest, string Path)
{
    public static RunCheckpoint Open(string runOrCheckpoint, CheckpointStage stage = CheckpointStage.Final)
    {
        if (Directory.Exists(runOrCheckpoint))
        {
            var run = new RunFolder(System.IO.Path.GetFullPath(runOrCheckpoint));
            var path = stage == CheckpointStage.Final ? run.FinalCheckpoint : run.InitialCheckpoint;
            var manifest = RunManifest.Read(run.RunJson);
            if (!File.Exists(path))
                throw new StethoscopeException($"{runOrCheckpoint}: no {System.IO.Path.GetFileName(path)} checkpoint (the run is {manifest.Status.ToString().ToLowerInvariant()})");
            return new RunCheckpoint(run, manifest, path);
        }
        if (!File.Exists(runOrCheckpoint))
            throw new StethoscopeException($"{runOrCheckpoint}: no such run folder or checkpoint file");
        var file = System.IO.Path.GetFullPath(runOrCheckpoint);
        var root = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(file))!;
        var folder = new RunFolder(root);
        if (!File.Exists(folder.RunJson))
            throw new StethoscopeException($"{runOrCheckpoint}: a checkpoint must sit in a run's checkpoints/ folder, beside whose run.json says which model it is");
        return new RunCheckpoint(folder, RunManifest.Read(folder.RunJson), file);
    }

    /// <summary>The checkpoint of the other stage of the same run (initial for final and back).</summary>
    public RunCheckpoint Sibling(CheckpointStage stage) => Open(Run.Root, stage);

    public InputShape InputShape => Models.InputShape.Parse(Manifest.Data.InputShape);

    /// <summary>The recipe that rebuilds the run's model: a registered one, or the user's class run.json names.</summary>
    public ModelRecipe Recipe => Manifest.Config.ModelType is { } type ? UserModel.Recipe(type) : ModelRegistry.Find(Manifest.Config.Model);

    /// <summary>Builds the run's model and loads the checkpoint into it; a file that does not fit is one clear error.</summary>
    public TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Load()
    {
        var model = Recipe.Build(new ModelRequest(InputShape, Manifest.Data.Classes));
        try
        {
            ModelCheckpoint.Load(model, Path, $"{Manifest.Config.Model} for input {InputShape}");
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The run's own data (for inputs such as a test digit), loaded as training loaded it.</summary>
    public DatasetSplit LoadData() => DataSource.Load(Manifest.Config.Data, Manifest.Seed);
}
