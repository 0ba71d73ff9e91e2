using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// A network as an ordered list of named layers (<c>conv1</c>, <c>pool1</c>, <c>fc1</c>, …). Each layer is a
/// registered child module, so parameters are named <c>conv1.weight</c>, and <see cref="forward"/> calls each
/// child through <c>call()</c> so that forward hooks fire (TorchSharp skips hooks on a direct <c>forward</c>).
/// </summary>
public sealed class LayerStack : nn.Module<Tensor, Tensor>
{
    readonly Layer[] layers;

    internal LayerStack(string name, InputShape input, Objective objective, IEnumerable<Layer> layers)
        : base(name)
    {
        InputShape = input;
        Objective = objective;
        this.layers = [.. layers];
        WeightedLayers = [.. this.layers.Where(l => l.Weight is not null)];
        foreach (var layer in this.layers)
            register_module(layer.Name, layer.Module);
    }

    /// <summary>The input shape the stack was built for (fully connected sizes depend on it).</summary>
    public InputShape InputShape { get; }

    public Objective Objective { get; }

    public IReadOnlyList<Layer> Layers => layers;

    /// <summary>Layers with a weight, in model order: the ones probes and sonification report on.</summary>
    public IReadOnlyList<Layer> WeightedLayers { get; }

    public long ParameterCount => parameters().Sum(p => p.numel());

    public Layer FindLayer(string name) =>
        layers.FirstOrDefault(l => l.Name == name)
        ?? throw new StethoscopeException(
            $"model {GetName()} has no layer '{name}'; valid layers: {string.Join(", ", layers.Select(l => l.Name))}");

    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
            x = layer.Module.call(x);
        return x;
    }

    /// <summary>The layer whose output stands for <paramref name="name"/> as Keras names it: a convolution or fully
    /// connected layer followed directly by its activation means that activation's output (<c>conv1_2</c> is the ReLU's).</summary>
    public Layer ActivatedOutputOf(string name)
    {
        var layer = FindLayer(name);
        var index = Array.IndexOf(layers, layer);
        var next = index + 1 < layers.Length ? layers[index + 1] : null;
        return layer.Weight is not null && next?.Module is TorchSharp.Modules.ReLU or TorchSharp.Modules.Tanh or TorchSharp.Modules.Sigmoid ? next! : layer;
    }

    /// <summary>Loads a Stethoscope checkpoint (<see cref="ModelCheckpoint"/>).</summary>
    public void LoadWeights(string path) => ModelCheckpoint.Load(this, path, $"{GetName()} checkpoint for input {InputShape}");
}
