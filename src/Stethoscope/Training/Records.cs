using Stethoscope.Data;
using Stethoscope.Models;
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

/// <summary>What observers learn when training starts.</summary>
public sealed record TrainingStart(
    LayerStack Model,
    TrainingOptions Options,
    DatasetSplit Data,
    Device Device,
    long PlannedSteps,
    long BatchesPerEpoch,
    DateTimeOffset StartedAt);

/// <summary>How training ended, with the last numbers seen.</summary>
public sealed record TrainingResult(
    RunStatus Status,
    long Steps,
    int EpochsCompleted,
    long? FirstNonFiniteStep,
    StepRecord? LastStep,
    EvaluationRecord? LastEvaluation,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string? Error = null);
