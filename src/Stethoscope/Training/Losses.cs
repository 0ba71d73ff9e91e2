using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>The loss that trains each kind of model output.</summary>
public static class Losses
{
    public static Tensor Compute(Objective objective, Tensor output, Tensor targets, nn.Reduction reduction = nn.Reduction.Mean) => objective switch
    {
        Objective.LogProbabilities => nn.functional.nll_loss(output, targets, reduction: reduction),
        Objective.ClassScores => nn.functional.cross_entropy(output, targets, reduction: reduction),
        Objective.Regression => nn.functional.mse_loss(output, targets, reduction),
        _ => throw new StethoscopeException("this model is an analysis model with no training objective"),
    };
}
