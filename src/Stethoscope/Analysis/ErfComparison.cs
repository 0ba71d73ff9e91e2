using Stethoscope.Models;
using Stethoscope.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>A run's effective receptive field at its first and its last checkpoint, measured on the same inputs.</summary>
public sealed record ErfComparison(EffectiveReceptiveField Initial, EffectiveReceptiveField Final)
{
    /// <summary>
    /// Measures both checkpoints of <paramref name="run"/>. With <see cref="ErfInputKind.Data"/> the inputs are the
    /// first test images of the run's own data; with <see cref="ErfInputKind.Random"/>, seeded noise of the training
    /// input's shape or of <paramref name="randomShape"/> (any size the layers up to the measured one accept).
    /// </summary>
    public static ErfComparison Measure(RunFolder run, ErfSettings settings, ErfInputKind input, Device device, long seed = 0, InputShape? randomShape = null)
    {
        var initial = RunCheckpoint.Open(run.Root, CheckpointStage.Initial);
        var final = initial.Sibling(CheckpointStage.Final);
        using var data = input == ErfInputKind.Data ? initial.LoadData() : null;
        var inputs = data is null ? ErfInputs.Random(randomShape ?? initial.InputShape, seed) : ErfInputs.From(data.Test);
        return new ErfComparison(MeasureAt(initial, inputs, settings, device), MeasureAt(final, inputs, settings, device));
    }

    static EffectiveReceptiveField MeasureAt(RunCheckpoint checkpoint, ErfInputs inputs, ErfSettings settings, Device device)
    {
        using var model = checkpoint.Load();
        model.to(device);
        return EffectiveReceptiveField.Measure(model, inputs, settings, device);
    }
}
