using Stethoscope.Models;

namespace Stethoscope.Analysis;

/// <summary>How far a layer's receptive field is known.</summary>
public enum ReceptiveFieldKind
{
    /// <summary>A square window of the input: size, jump and start are known.</summary>
    Window,

    /// <summary>The layer reads the whole input (after flatten or a fully connected layer).</summary>
    WholeInput,

    /// <summary>A layer on the way has no fixed window; <see cref="ReceptiveFieldRow.Note"/> says which and why.</summary>
    Unknown,
}

/// <summary>
/// The theoretical receptive field of one layer's output units, in input pixels: <see cref="Size"/> is the side of
/// the square window one unit sees, <see cref="Jump"/> the distance in input pixels between neighbouring units (the
/// effective stride), and <see cref="Start"/> the input column (and row) where unit 0's window begins, that is minus
/// the effective padding (negative: the window reaches into the padding).
/// </summary>
public sealed record ReceptiveFieldRow(string Layer, ReceptiveFieldKind Kind, int? Size, int? Jump, int? Start, string? Note = null)
{
    /// <summary>The input pixels (first, last) that unit <paramref name="index"/> of this layer sees along one axis, clipped to nothing.</summary>
    public (int First, int Last) WindowOf(int index) =>
        Kind == ReceptiveFieldKind.Window
            ? (Start!.Value + index * Jump!.Value, Start.Value + index * Jump.Value + Size!.Value - 1)
            : throw new InvalidOperationException($"layer {Layer} has no fixed receptive field window");
}

/// <summary>
/// Theoretical receptive fields of every layer, by the recurrences of Araujo et al., "Computing Receptive Fields of
/// Convolutional Neural Networks" (Distill 2019): r = r′ + (span − 1)·j′, j = j′·stride, start = start′ − padding·j′,
/// where primes are the previous layer's values and span = dilation·(kernel − 1) + 1. A <see cref="LayerStack"/> is a
/// chain and is computed in closed form; any other module graph is traced with one forward pass (residual additions,
/// branches, BatchNorm, dilation, groups), where every path into an addition must agree on jump and centre, and a
/// layer whose geometry cannot be known is "unknown" with the reason.
/// </summary>
public static class ReceptiveFieldTable
{
    /// <summary>Every module path's field (<c>named_modules()</c> order) for one input of <paramref name="input"/>'s shape.</summary>
    public static IReadOnlyList<ReceptiveFieldRow> Of(TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, InputShape input) =>
        model is LayerStack stack && stack.InputShape == input ? Of(stack) : ReceptiveFieldTrace.Of(model, input);

    /// <summary>The row of one module path, refusing a path the model does not have.</summary>
    public static ReceptiveFieldRow Of(TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, InputShape input, string path)
    {
        ModuleTree.Find(model, path);
        return Of(model, input).First(r => r.Layer == path);
    }

    /// <summary>The fields of a chain at the input it was built for, in closed form (no forward pass).</summary>
    public static IReadOnlyList<ReceptiveFieldRow> Of(LayerStack model)
    {
        var rows = new List<ReceptiveFieldRow>(model.Layers.Count);
        int size = 1, jump = 1, start = 0;
        string? unknownBecause = null;
        var wholeInput = false;
        foreach (var layer in model.Layers)
        {
            var geometry = layer.Geometry;
            if (unknownBecause is null && !wholeInput)
            {
                switch (geometry.Kind)
                {
                    case GeometryKind.Window:
                        size += (geometry.Span - 1) * jump;
                        start -= geometry.Padding * jump;
                        jump *= geometry.Stride;
                        break;
                    case GeometryKind.Global:
                        wholeInput = true;
                        break;
                    case GeometryKind.Irregular:
                        unknownBecause = $"{layer.Name}: {geometry.Reason}";
                        break;
                }
            }
            rows.Add(unknownBecause is not null ? new ReceptiveFieldRow(layer.Name, ReceptiveFieldKind.Unknown, null, null, null, unknownBecause)
                : wholeInput ? new ReceptiveFieldRow(layer.Name, ReceptiveFieldKind.WholeInput, null, null, null, "whole input")
                : new ReceptiveFieldRow(layer.Name, ReceptiveFieldKind.Window, size, jump, start));
        }
        return rows;
    }

    /// <summary>The row of one layer, refusing a layer name the model does not have.</summary>
    public static ReceptiveFieldRow Of(LayerStack model, string layer)
    {
        model.FindLayer(layer);
        return Of(model).First(r => r.Layer == layer);
    }
}
