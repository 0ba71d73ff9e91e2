using Stethoscope.Data;
using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>The numbers of one training step, fetched from the device: the loss first, then every probe's readings.</summary>
public sealed record StepRecord(long Step, int Epoch, double LearningRate, IReadOnlyList<string> Names, float[] Values)
{
    public float Loss => Values[0];

    /// <summary>The reading with this name, or null when no probe measured it.</summary>
    public float? this[string name]
    {
        get
        {
            for (var i = 0; i < Names.Count; i++)
            {
                if (Names[i] == name)
                    return Values[i];
            }
            return null;
        }
    }

    public bool IsFinite => Values.All(float.IsFinite);
}

/// <summary>One evaluation on the test split. Accuracy is null for models that do not classify.</summary>
public sealed record EvaluationRecord(long Step, int Epoch, double Loss, double? Accuracy);

/// <summary>
/// What observers learn when training starts: the model and its traced layers, the settings (as the trainer was
/// given them, or as <see cref="TrainingWatcher"/> read them off a user's optimizer), the data, and how many steps
/// are planned (null when a user's own loop does not say).
/// </summary>
public sealed record TrainingStart(
    nn.Module Model,
    ModelTrace Layers,
    TrainingOptions Options,
    DataDescription Data,
    Device Device,
    long? PlannedSteps,
    long? BatchesPerEpoch,
    DateTimeOffset StartedAt);

/// <summary>The data a run trains on, as far as it is known: a user's loop may give only a name and the input shape.</summary>
public sealed record DataDescription(string Name, int TrainCount, int TestCount, InputShape Shape, int Classes, Normalization? Normalization)
{
    public static DataDescription Of(DatasetSplit data) =>
        new(data.Train.Name, data.Train.Count, data.Test.Count, data.Train.Shape, data.Train.Classes, data.Train.Normalization);
}

/// <summary>How training ended, with the last numbers seen and, when a step was not finite, where that began.</summary>
public sealed record TrainingResult(
    RunStatus Status,
    long Steps,
    int EpochsCompleted,
    long? FirstNonFiniteStep,
    StepRecord? LastStep,
    EvaluationRecord? LastEvaluation,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string? Error = null,
    NonFiniteOrigin? NonFiniteOrigin = null);
