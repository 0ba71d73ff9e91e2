using Stethoscope.Models;
using Stethoscope.Probes;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>Loss and accuracy of a model over a whole dataset, in evaluation mode and without gradients; each batch
/// runs in its own dispose scope, so memory holds one batch's activations, not the dataset's.</summary>
public static class Evaluator
{
    public static (double Loss, double? Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Objective objective, Tensor images, Tensor labels, int batchSize = 1000)
    {
        var classifies = objective is Objective.LogProbabilities or Objective.ClassScores;
        using var modes = TrainingModes.Evaluating(model);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var count = images.shape[0];
        var lossSum = zeros(1, dtype: ScalarType.Float64, device: images.device);
        var correct = zeros(1, dtype: ScalarType.Float64, device: images.device);
        for (long start = 0; start < count; start += batchSize)
        {
            using var batchScope = NewDisposeScope();
            var length = Math.Min(batchSize, count - start);
            var output = model.call(images.narrow(0, start, length));
            var targets = labels.narrow(0, start, length);
            lossSum.add_(Losses.Compute(objective, output, targets, nn.Reduction.Sum).to_type(ScalarType.Float64));
            if (classifies)
                correct.add_(AccuracyProbe.BatchAccuracy(output, targets).to_type(ScalarType.Float64).mul(length));
        }
        var totals = cat([lossSum, correct]).cpu().data<double>().ToArray();
        var lossPerElement = objective == Objective.Regression ? count * labels.shape[^1] : count;
        return (totals[0] / lossPerElement, classifies ? totals[1] / count : null);
    }
}
