using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// Every module's training flag, kept to be put back: TorchSharp's <c>train(bool)</c> and <c>eval()</c> recurse into
/// every child, so restoring only the root's flag would switch a user's frozen BatchNorm back to training. Dispose
/// restores each module's own flag, parents first, so children end as they were.
/// </summary>
public sealed class TrainingModes : IDisposable
{
    readonly (nn.Module Module, bool Training)[] modes;

    TrainingModes(nn.Module model) =>
        modes = [(model, model.training), .. ModuleTree.Of(model).Select(m => (m.Module, m.Module.training))];

    /// <summary>Keeps every flag of <paramref name="model"/>, then puts the whole model in evaluation mode.</summary>
    public static TrainingModes Evaluating(nn.Module model)
    {
        var kept = new TrainingModes(model);
        model.eval();
        return kept;
    }

    public void Dispose()
    {
        foreach (var (module, training) in modes)
            module.train(training);
    }
}
