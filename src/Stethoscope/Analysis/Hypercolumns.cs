using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>
/// Hypercolumns (Hariharan et al. 2015, as seed 000 extracts them from VGG-16): one forward pass, the outputs of the
/// chosen layers (after their activation, as Keras names them: <c>conv1_2</c> is the ReLU's output), each upsampled
/// bilinearly to the input size with align-corners false (PyTorch's default) and stacked, so every pixel gets one long
/// vector. Fully connected layers count as 1x1 maps spread over every pixel. With <c>normalizePerLayer</c> each
/// layer's block is scaled to unit standard deviation, so wide early layers do not drown deep ones in a distance.
/// Layers are upsampled one at a time into the result, so the peak memory is the result plus one layer; results
/// above <see cref="LimitBytes"/> are refused (VGG-16's 13 conv layers at 224x224: 4,224 × 50,176 floats, 848 MB).
/// </summary>
public static class Hypercolumns
{
    public const long LimitBytes = 4L << 30;

    /// <summary>Returns (features, H, W) on the CPU for <paramref name="image"/>, a normalised (C, H, W) tensor.</summary>
    public static Tensor Extract(nn.Module<Tensor, Tensor> model, Tensor image, IReadOnlyList<string> layers, Device device, bool normalizePerLayer = false)
    {
        if (layers.Count == 0)
            throw new InvalidOptionException("name at least one layer for the hypercolumns");
        var outputs = layers.Select(l => OutputPath(model, l)).ToArray();
        if (image.dim() != 3)
            throw new StethoscopeException($"an image is (channels, height, width); the input is [{string.Join("x", image.shape)}]");
        long height = image.shape[1], width = image.shape[2];
        using var modes = TrainingModes.Evaluating(model);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var captured = LayerOutputs.Capture(model, image.unsqueeze(0).to(device), outputs);
        var features = outputs.Sum(o => FeatureCount(captured[o]));
        if (features * height * width * 4 > LimitBytes)
            throw new InvalidOptionException($"{features} features × {height}x{width} px is {features * height * width * 4 / (1 << 20)} MiB, above the {LimitBytes >> 20} MiB limit: choose fewer layers or a smaller image");
        var result = empty([features, height, width], float32, device);
        long offset = 0;
        foreach (var output in outputs)
        {
            using var layerScope = NewDisposeScope();
            var map = captured[output];
            var block = map.dim() == 4
                ? nn.functional.interpolate(map, [height, width], mode: InterpolationMode.Bilinear, align_corners: false)[0]
                : map[0].view(-1, 1, 1).expand(map.shape[1], height, width);
            if (normalizePerLayer)
                block = block / block.std().clamp_min(1e-12);
            result.narrow(0, offset, block.shape[0]).copy_(block);
            offset += block.shape[0];
        }
        return result.cpu().MoveToOuterDisposeScope();
    }

    static long FeatureCount(Tensor output) => output.shape[1];

    /// <summary>The module whose output stands for <paramref name="layer"/>: a registered stack names a convolution for
    /// its activation's output, as Keras does (<c>conv1_2</c> is the ReLU's); any other model's paths mean what they say.</summary>
    static string OutputPath(nn.Module<Tensor, Tensor> model, string layer) =>
        model is LayerStack stack ? stack.ActivatedOutputOf(layer).Name : ModuleTree.Find(model, layer).Path;
}
