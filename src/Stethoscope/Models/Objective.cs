namespace Stethoscope.Models;

/// <summary>What a model's output means, and therefore which loss trains it.</summary>
public enum Objective
{
    /// <summary>Log-probabilities over classes (a final log-softmax); trained with the negative log-likelihood, as in the seed.</summary>
    LogProbabilities,

    /// <summary>Raw class scores; trained with cross-entropy.</summary>
    ClassScores,

    /// <summary>Real-valued outputs (keypoint coordinates); trained with mean squared error.</summary>
    Regression,

    /// <summary>An analysis model with no training target (the receptive-field stacks).</summary>
    None,
}
