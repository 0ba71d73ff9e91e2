using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>Activation between the layers of an <see cref="ErfStack"/>.</summary>
public enum StackActivation { Linear, ReLU, Tanh, Sigmoid }

/// <summary>Weight initialisation of an <see cref="ErfStack"/>: all weights equal, or Gaussian.</summary>
public enum StackInit { Uniform, Random }

/// <summary>Settings of the receptive-field stack.</summary>
public sealed record ErfStackSettings(
    int Depth = 5,
    int Kernel = 3,
    int Channels = 1,
    StackActivation Activation = StackActivation.Linear,
    StackInit Init = StackInit.Uniform);

/// <summary>
/// The plain convolution stacks of Luo et al. 2016, "Understanding the Effective Receptive Field in Deep
/// Convolutional Neural Networks" (https://arxiv.org/abs/1701.04128), Figure 1: <c>Depth</c> layers of
/// <c>Kernel</c>x<c>Kernel</c> convolutions with same padding, zero bias and no pooling, named <c>conv1</c> … <c>convN</c>.
/// Uniform init sets every weight to 1/(k²·C) so each layer averages its window; random init draws N(0, 1/(k²·C)).
/// </summary>
public static class ErfStack
{
    public static ModelRecipe Recipe { get; } = new(
        "erf-stack",
        "Luo et al. 2016 receptive-field stack: n conv k x k, same padding, linear|relu|tanh|sigmoid, uniform|random",
        new InputShape(1, 64, 64),
        Objective.None,
        Build);

    public static LayerStack Build(ModelRequest request)
    {
        var settings = request.ErfStack ?? new ErfStackSettings();
        // The upper limits keep a mistyped number from allocating terabytes: they are far beyond Luo et al.'s stacks.
        if (settings.Depth is < 1 or > 1000 || settings.Kernel is < 1 or > 255 || settings.Kernel % 2 == 0 || settings.Channels is < 1 or > 4096)
            throw new InvalidOptionException(
                $"erf-stack needs depth 1..1000, an odd kernel 1..255 and channels 1..4096; got depth {settings.Depth}, kernel {settings.Kernel}, channels {settings.Channels}");
        var builder = new LayerStackBuilder("erf-stack", request.Input);
        for (var i = 1; i <= settings.Depth; i++)
        {
            builder.Conv($"conv{i}", settings.Channels, settings.Kernel, padding: settings.Kernel / 2);
            _ = settings.Activation switch
            {
                StackActivation.ReLU => builder.ReLU($"relu{i}"),
                StackActivation.Tanh => builder.Tanh($"tanh{i}"),
                StackActivation.Sigmoid => builder.Sigmoid($"sigmoid{i}"),
                _ => builder,
            };
        }
        var stack = builder.Build(Objective.None);
        Initialise(stack, settings);
        return stack;
    }

    static void Initialise(LayerStack stack, ErfStackSettings settings)
    {
        using var noGrad = no_grad();
        foreach (var layer in stack.WeightedLayers)
        {
            var weight = layer.Weight!;
            var fanIn = weight.shape[1] * weight.shape[2] * weight.shape[3];
            if (settings.Init == StackInit.Uniform)
                weight.fill_(1.0 / fanIn);
            else
                nn.init.normal_(weight, 0, 1.0 / Math.Sqrt(fanIn));
            layer.Module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "bias").parameter?.zero_();
        }
    }
}
