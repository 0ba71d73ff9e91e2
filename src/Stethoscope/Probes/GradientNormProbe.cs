using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>
/// The L2 norm of each weighted layer's weight gradient, in forward order, named by module path (<c>grad_norm/conv1</c>, <c>grad_norm/layer1.0.conv2</c>, …): the signal the
/// seed turns into sound. Layers whose weight has no gradient this step are left out.
/// </summary>
public sealed class GradientNormProbe : IProbe
{
    public const string Prefix = "grad_norm/";

    public void Measure(StepContext step, ProbeReadings readings)
    {
        foreach (var layer in step.Layers)
        {
            if (layer.Weight!.grad is { } grad)
                readings.Add(Prefix + layer.Path, Norm(grad));
        }
    }

    /// <summary>
    /// The L2 norm of <paramref name="tensor"/>, taken of the tensor divided by its largest magnitude and scaled back:
    /// float32's sum of squares overflows from a norm of about 1.8e19, which an exploding run reaches with every element
    /// finite (lr 1.0 at batch 256 on full MNIST, step 17), and an infinite norm that is an artefact of measuring would
    /// read as divergence. NaN stays NaN; an all-zero tensor gives 0.
    /// </summary>
    public static Tensor Norm(Tensor tensor)
    {
        var scale = tensor.max().abs().maximum(tensor.min().abs()).clamp_min(1e-30);
        return tensor.div(scale).norm().mul(scale);
    }
}
