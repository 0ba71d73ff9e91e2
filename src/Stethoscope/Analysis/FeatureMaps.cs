using Stethoscope.Data;
using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>
/// The output of one layer for one input, every channel a map (nolearn's <c>plot_conv_activity</c>): the input
/// runs through the layers up to that one only, so an image of any size works for the convolutional part.
/// </summary>
public static class FeatureMaps
{
    /// <summary>Maps of <paramref name="layer"/> (null: the last layer with a map) for <paramref name="input"/>, a
    /// normalised (C, H, W) tensor; returns (channels, h, w) on the CPU.</summary>
    public static Tensor Of(LayerStack model, Tensor input, string? layer, Device device)
    {
        var target = model.SpatialLayer(layer);
        if (input.dim() != 3 || input.shape[0] != model.InputShape.Channels)
            throw new StethoscopeException($"{model.GetName()} reads {model.InputShape.Channels}-channel images; the input is [{string.Join("x", input.shape)}]");
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        try
        {
            return model.ForwardThrough(input.unsqueeze(0).to(device), target.Name)[0].cpu().MoveToOuterDisposeScope();
        }
        catch (Exception e) when (e is not StethoscopeException)
        {
            throw new StethoscopeException($"a {input.shape[2]}x{input.shape[1]} px image is too small for {model.GetName()} up to {target.Name} ({e.Message.Split('\n')[0].Trim()})");
        }
    }

    /// <summary>An image file as the model's input: grey or RGB to match its channels, at its own size, normalised like the training data.</summary>
    public static Tensor LoadImage(string path, InputShape shape, Normalization normalization)
    {
        using var unit = ImageFile.Load(path, shape.Channels);
        using var batch = unit.unsqueeze(0);
        using var normalised = normalization.Apply(batch);
        return normalised[0].clone();
    }
}
