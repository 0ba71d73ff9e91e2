using Stethoscope.Probes;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Probes;

public class GradientNormProbeTests
{
    [Fact]
    public void A_norm_whose_squares_overflow_float32_is_still_finite_and_exact()
    {
        using var scope = NewDisposeScope();
        var gradient = full(1000, 1e20f);
        Assert.True(float.IsPositiveInfinity(gradient.norm().item<float>())); // what a plain float32 norm reads
        Assert.Equal(1e20 * Math.Sqrt(1000), GradientNormProbe.Norm(gradient).item<float>(), 1e15);
    }

    [Fact]
    public void An_ordinary_norm_is_the_plain_norm_and_zero_and_nan_stay_what_they_are()
    {
        using var scope = NewDisposeScope();
        var gradient = tensor(new[] { 3f, -4f, 0f, 12f });
        Assert.Equal(13f, GradientNormProbe.Norm(gradient).item<float>(), 5);
        Assert.Equal(0f, GradientNormProbe.Norm(zeros(5)).item<float>());
        Assert.True(float.IsNaN(GradientNormProbe.Norm(tensor(new[] { 1f, float.NaN })).item<float>()));
    }
}
