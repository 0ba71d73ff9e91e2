using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>
/// The weight gradients of one batch, as seed 002 looks at them: the first <c>count</c> training images through the
/// model in evaluation mode, the model's own loss, one backward pass. Afterwards each layer's <c>Weight.grad</c>
/// holds the batch's gradient; the model's weights are unchanged. Returns the number of images used.
/// </summary>
public static class BatchGradients
{
    public static int Compute(nn.Module<Tensor, Tensor> model, Objective objective, ImageDataset data, int count, Device device)
    {
        if (count < 1)
            throw new InvalidOptionException($"the gradient batch needs at least 1 image; got {count}");
        if (model is LayerStack stack && data.Shape != stack.InputShape)
            throw new StethoscopeException($"data is {data.Shape} but {model.GetName()} was built for {stack.InputShape}");
        model.eval();
        model.zero_grad();
        using var scope = NewDisposeScope();
        var n = Math.Min(count, data.Count);
        var images = data.Images.narrow(0, 0, n).to(device);
        var labels = data.Labels.narrow(0, 0, n).to(device);
        Losses.Compute(objective, model.call(images), labels).backward();
        return n;
    }
}
