using Stethoscope.Models;
using Stethoscope.Probes;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>Loss and accuracy of a model over a whole dataset, in evaluation mode and without gradients.</summary>
public static class Evaluator
{
    public static (double Loss, double? Accuracy) Evaluate(LayerStack model, Tensor images, Tensor labels, int batchSize = 1000)
    {
        var classifies = model.Objective is Objective.LogProbabilities or Objective.ClassScores;
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var count = images.shape[0];
            var lossSum = zeros(1, dtype: ScalarType.Float64, device: images.device);
            var correct = zeros(1, dtype: ScalarType.Float64, device: images.device);
            for (long start = 0; start < count; start += batchSize)
            {
                var length = Math.Min(batchSize, count - start);
                var output = model.call(images.narrow(0, start, length));
                var targets = labels.narrow(0, start, length);
                lossSum.add_(Losses.Compute(model.Objective, output, targets, nn.Reduction.Sum).to_type(ScalarType.Float64));
                if (classifies)
                    correct.add_(AccuracyProbe.BatchAccuracy(output, targets).to_type(ScalarType.Float64).mul(length));
            }
            var totals = cat([lossSum, correct]).cpu().data<double>().ToArray();
            var lossPerElement = model.Objective == Objective.Regression ? count * labels.shape[^1] : count;
            return (totals[0] / lossPerElement, classifies ? totals[1] / count : null);
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
