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
            var grad = layer.Weight!.grad;
            if (grad is not null)
                readings.Add(Prefix + layer.Path, grad.norm());
        }
    }
}
