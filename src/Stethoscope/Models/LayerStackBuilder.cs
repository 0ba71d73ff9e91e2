using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// Builds a <see cref="LayerStack"/> layer by layer while tracking the output shape, so fully connected
/// sizes follow from the input shape and an input too small for the network is refused with a clear message.
/// </summary>
public sealed class LayerStackBuilder(string model, InputShape input)
{
    readonly List<Layer> layers = [];
    long[] shape = [input.Channels, input.Height, input.Width];

    public LayerStackBuilder Conv(string name, int outChannels, int kernel, int stride = 1, int padding = 0)
    {
        var (c, h, w) = Spatial(name);
        var module = nn.Conv2d(c, outChannels, kernel, stride: stride, padding: padding);
        return Add(name, module, [outChannels, Reduce(name, h, kernel, stride, padding), Reduce(name, w, kernel, stride, padding)],
            LayerGeometry.Window(kernel, stride, padding));
    }

    public LayerStackBuilder MaxPool(string name, int kernel, int stride)
    {
        var (c, h, w) = Spatial(name);
        return Add(name, nn.MaxPool2d(kernel, stride), [c, Reduce(name, h, kernel, stride, 0), Reduce(name, w, kernel, stride, 0)],
            LayerGeometry.Window(kernel, stride));
    }

    public LayerStackBuilder AdaptiveAvgPool(string name, int size)
    {
        var (c, h, w) = Spatial(name);
        return Add(name, nn.AdaptiveAvgPool2d([size, size]), [c, size, size], AdaptiveGeometry(h, w, size));
    }

    /// <summary>Adaptive pooling is a fixed window only when the input is square and a multiple of the output size.</summary>
    static LayerGeometry AdaptiveGeometry(long h, long w, int size) =>
        h == w && h % size == 0
            ? LayerGeometry.Window((int)(h / size), (int)(h / size))
            : LayerGeometry.Irregular($"adaptive pooling from {h}x{w} to {size}x{size} has no fixed window");

    public LayerStackBuilder Flatten(string name) => Add(name, nn.Flatten(), [shape.Aggregate(1L, (a, b) => a * b)], LayerGeometry.Global);

    public LayerStackBuilder Linear(string name, int outFeatures)
    {
        if (shape.Length != 1)
            throw new InvalidOperationException($"{model}: add a flatten layer before {name}");
        return Add(name, nn.Linear(shape[0], outFeatures), [outFeatures], LayerGeometry.Global);
    }

    public LayerStackBuilder ReLU(string name) => Add(name, nn.ReLU(), shape);

    public LayerStackBuilder Tanh(string name) => Add(name, nn.Tanh(), shape);

    public LayerStackBuilder Sigmoid(string name) => Add(name, nn.Sigmoid(), shape);

    public LayerStackBuilder Dropout(string name, double probability) =>
        Add(name, shape.Length == 1 ? nn.Dropout(probability) : nn.Dropout2d(probability), shape);

    public LayerStackBuilder LogSoftmax(string name) => Add(name, nn.LogSoftmax(1), shape);

    public LayerStack Build(Objective objective) => new(model, input, objective, layers);

    LayerStackBuilder Add(string name, nn.Module<Tensor, Tensor> module, long[] output, LayerGeometry? geometry = null)
    {
        layers.Add(new Layer(name, module, output, geometry ?? LayerGeometry.Pointwise));
        shape = output;
        return this;
    }

    (long C, long H, long W) Spatial(string name) =>
        shape.Length == 3
            ? (shape[0], shape[1], shape[2])
            : throw new InvalidOperationException($"{model}: {name} needs a spatial input, not a flat vector");

    long Reduce(string name, long size, int kernel, int stride, int padding)
    {
        var output = (size + 2 * padding - kernel) / stride + 1;
        if (size + 2 * padding < kernel || output < 1)
            throw new StethoscopeException(
                $"input {input} is too small for {model}: at layer {name} a {size} px map meets a {kernel}x{kernel} window");
        return output;
    }
}
