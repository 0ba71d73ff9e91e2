using Stethoscope.Data;
using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>
/// The output of one layer of any model for one input, every channel a map (nolearn's <c>plot_conv_activity</c>):
/// captured with a forward hook, the pass stopping at that layer, so an image of any size works for every layer
/// before the model's head.
/// </summary>
public static class FeatureMaps
{
    /// <summary>Maps of the module at <paramref name="layer"/> (null: the last module with a map) for
    /// <paramref name="input"/>, a normalised (C, H, W) tensor; returns (channels, h, w) on the CPU.</summary>
    public static Tensor Of(nn.Module<Tensor, Tensor> model, Tensor input, string? layer, Device device)
    {
        if (input.dim() != 3)
            throw new StethoscopeException($"an image is (channels, height, width); the input is [{string.Join("x", input.shape)}]");
        var path = layer ?? ModelTrace.Of(model, new InputShape((int)input.shape[0], (int)input.shape[1], (int)input.shape[2]), partial: true).SpatialLayer(null).Path;
        using var modes = TrainingModes.Evaluating(model);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var maps = LayerOutputs.Of(model, input.unsqueeze(0).to(device), path);
        if (maps.dim() != 4)
            throw new StethoscopeException($"layer {path} has no spatial output (its output is [{string.Join("x", maps.shape.Skip(1))}]); choose a convolution, pooling or activation layer before the head");
        return maps[0].cpu().MoveToOuterDisposeScope();
    }

    /// <summary>An image file as the model's input: grey or RGB to match its channels, at its own size, normalised like the training data.</summary>
    public static Tensor LoadImage(string path, int channels, Normalization normalization)
    {
        using var unit = ImageFile.Load(path, channels);
        using var batch = unit.unsqueeze(0);
        using var normalised = normalization.Apply(batch);
        return normalised[0].clone();
    }
}
