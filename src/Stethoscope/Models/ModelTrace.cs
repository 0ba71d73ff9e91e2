using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// One module of a traced network: its path, kind, output shape for one input (batch left out; null when it never ran
/// or is not a tensor-to-tensor module), parameter count (its own and its descendants'), the position at which it
/// first ran in the forward pass, and its weight when it has one (<see cref="NamedModule.Weight"/>).
/// </summary>
public sealed record TracedLayer(string Path, string Kind, long[]? OutputShape, long Parameters, int? Order, Parameter? Weight, nn.Module Module)
{
    public bool IsSpatial => OutputShape is { Length: 3 };
}

/// <summary>
/// Any <c>nn.Module&lt;Tensor, Tensor&gt;</c> as Stethoscope sees it: every submodule by path, and what one forward
/// pass of a single input reveals through forward hooks (TorchSharp's only way in): each module's output shape and
/// the order in which modules run. Weighted layers (<see cref="Weighted"/>) are listed in that forward order, the order
/// probes report and sound plays them in. A module that owns a weight but never fired its hook is either unused or
/// called with <c>forward()</c> instead of <c>call()</c> by its parent (which skips hooks in TorchSharp): it keeps its
/// registration order and <see cref="Warnings"/> says so. Hooks live only for the tracing pass and are removed in
/// <c>finally</c>.
/// </summary>
public sealed class ModelTrace
{
    readonly Dictionary<string, TracedLayer> byPath;

    ModelTrace(string name, InputShape? input, IReadOnlyList<TracedLayer> layers, string? untracedBecause = null)
    {
        Name = name;
        Input = input;
        Layers = layers;
        byPath = layers.ToDictionary(l => l.Path);
        var weighted = layers.Where(l => l.Weight is not null).ToArray();
        Weighted = [.. weighted.Where(l => l.Order is not null).OrderBy(l => l.Order), .. weighted.Where(l => l.Order is null)];
        Warnings = untracedBecause is not null
            ? [untracedBecause]
            : [.. weighted.Where(l => l.Order is null).Select(l => $"layer {l.Path} never ran in a forward pass through call(): if its parent calls {l.Path.Split('.')[^1]}.forward(x), TorchSharp skips its hooks; use .call(x) (kept in registration order)")];
    }

    /// <summary>The model's name (<c>GetName()</c>).</summary>
    public string Name { get; }

    /// <summary>The input the trace ran on, or null when the model was not run (shapes and order unknown).</summary>
    public InputShape? Input { get; }

    /// <summary>Every submodule, depth first in registration order.</summary>
    public IReadOnlyList<TracedLayer> Layers { get; }

    /// <summary>Modules with a weight matrix or kernel, in forward order: what gradient norms, distributions and sound report.</summary>
    public IReadOnlyList<TracedLayer> Weighted { get; }

    /// <summary>One line per weighted layer whose hook never fired.</summary>
    public IReadOnlyList<string> Warnings { get; }

    public long Parameters { get; private init; }

    /// <summary>Traces <paramref name="model"/> with one input of <paramref name="input"/>'s shape on the model's device,
    /// in evaluation mode without gradients (so BatchNorm statistics and dropout are untouched); the mode is restored.
    /// With <paramref name="partial"/>, an input the model's head refuses (another size than it was built for) still
    /// traces every layer before the head, which is all feature maps and receptive fields need.</summary>
    public static ModelTrace Of(nn.Module<Tensor, Tensor> model, InputShape input, bool partial = false)
    {
        var modules = ModuleTree.Of(model);
        var order = new Dictionary<string, int>();
        var shapes = new Dictionary<string, long[]>();
        var removers = new List<Action>();
        var modes = TrainingModes.Evaluating(model);
        try
        {
            foreach (var named in modules)
            {
                if (named.Module is not nn.Module<Tensor, Tensor> hookable)
                    continue;
                var path = named.Path;
                var remover = hookable.register_forward_hook((_, _, output) =>
                {
                    if (order.TryAdd(path, order.Count))
                        shapes[path] = output.shape[1..];
                    return output;
                });
                removers.Add(remover.remove);
            }
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var first = model.parameters().FirstOrDefault();
            model.call(zeros(input.WithBatch(1), first?.dtype ?? float32, first?.device ?? CPU));
        }
        catch (Exception e) when (e is not StethoscopeException && !(partial && order.Count > 0))
        {
            throw new StethoscopeException($"input {input} does not fit {model.GetName()}: {e.Message.Split('\n')[0].Trim()}");
        }
        catch (Exception e) when (e is not StethoscopeException)
        {
            // Partial trace: the layers that ran are known; the head that refused the input is not needed.
        }
        finally
        {
            foreach (var remove in removers)
                remove();
            modes.Dispose();
        }
        return Build(model, input, modules, order, shapes);
    }

    /// <summary>The modules without running the model: no shapes, weighted layers in registration order;
    /// <paramref name="because"/> (null: none) becomes the one warning.</summary>
    public static ModelTrace Untraced(nn.Module model, string? because = null) => Build(model, null, ModuleTree.Of(model), [], [], because);

    static ModelTrace Build(nn.Module model, InputShape? input, IReadOnlyList<NamedModule> modules, Dictionary<string, int> order, Dictionary<string, long[]> shapes, string? untracedBecause = null) =>
        new(model.GetName(), input, [.. modules.Select(m => new TracedLayer(
            m.Path, m.Kind, shapes.GetValueOrDefault(m.Path), m.Module.parameters().Sum(p => p.numel()),
            order.TryGetValue(m.Path, out var o) ? o : null, m.Weight, m.Module))], untracedBecause)
        {
            Parameters = model.parameters().Sum(p => p.numel()),
        };

    /// <summary>The layer at <paramref name="path"/>, or one error that lists the valid paths.</summary>
    public TracedLayer Find(string path) =>
        byPath.GetValueOrDefault(path)
        ?? throw new StethoscopeException($"model {Name} has no layer '{path}'; valid layers: {ModuleTree.Listing(Layers.Select(l => l.Path))}");

    /// <summary>The named layer, or (null) the last one in forward order whose output is a map; refuses a layer without a map.</summary>
    public TracedLayer SpatialLayer(string? path)
    {
        var layer = path is null ? Layers.Where(l => l.IsSpatial).MaxBy(l => l.Order) : Find(path);
        if (layer is { IsSpatial: true })
            return layer;
        var maps = ModuleTree.Listing(Layers.Where(l => l.IsSpatial).OrderBy(l => l.Order).Select(l => l.Path));
        throw new StethoscopeException(layer is null
            ? $"model {Name} has no layer with a spatial output for input {Input}"
            : $"layer {layer.Path} has no spatial output; layers with maps: {maps}");
    }
}
