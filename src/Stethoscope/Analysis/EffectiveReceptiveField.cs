using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>Which output unit's receptive field to measure: the centre of the layer's map, or a given row and column.</summary>
public sealed record ErfUnit(int? Row = null, int? Column = null)
{
    public static ErfUnit Center { get; } = new();

    /// <summary>Parses <c>center</c> or <c>ROW,COL</c>.</summary>
    public static ErfUnit Parse(string text)
    {
        if (text == "center")
            return Center;
        var parts = text.Split(',');
        return parts.Length == 2 && int.TryParse(parts[0], out var row) && int.TryParse(parts[1], out var column)
            ? new ErfUnit(row, column)
            : throw new InvalidOptionException($"unit '{text}' is not 'center' or ROW,COL (for example 3,4)");
    }
}

/// <summary>How to measure an effective receptive field: layer (null: the last one with a map), unit, how many
/// inputs to average and how many go through the network at once.</summary>
public sealed record ErfSettings(string? Layer = null, ErfUnit? Unit = null, int Samples = 32, int BatchSize = 32);

/// <summary>
/// The effective receptive field of one output unit (Luo et al. 2016, https://arxiv.org/abs/1701.04128): the
/// absolute gradient of the unit (summed over its channels) with respect to every input pixel (summed over input
/// channels), averaged over inputs. <see cref="Map"/> is that average, row-major <see cref="Height"/> × <see cref="Width"/>.
/// The moments are those of the map normalised to sum 1: <see cref="SigmaX"/> and <see cref="SigmaY"/> are its
/// standard deviations along columns and rows; <see cref="R68"/> and <see cref="R95"/> the radii around its centroid
/// holding 68% and 95% of it; <see cref="Area95"/> the fewest pixels that hold 95% of it. <see cref="Ratio"/> is the
/// side of a square of that area over the side of the theoretical receptive field: at most 1 (the ERF lies inside
/// the theoretical field), about 4.3σ/size for a Gaussian ERF.
/// All statistics are NaN when the gradient vanished entirely (a result, not an error).
/// </summary>
public sealed record EffectiveReceptiveField(
    string Layer,
    int UnitRow,
    int UnitColumn,
    int Samples,
    int Height,
    int Width,
    double[] Map,
    double SigmaX,
    double SigmaY,
    double R68,
    double R95,
    int Area95,
    ReceptiveFieldRow Theoretical)
{
    public int? TheoreticalSize => Theoretical.Size;

    public double? Ratio => Theoretical.Size is { } size && Area95 > 0 ? Math.Sqrt(Area95) / size : null;

    /// <summary>The spread of the ERF as one number, √((σx² + σy²)/2): what grows like √depth in Luo et al.</summary>
    public double Sigma => Math.Sqrt((SigmaX * SigmaX + SigmaY * SigmaY) / 2);

    public double this[int row, int column] => Map[row * Width + column];

    /// <summary>
    /// Measures the ERF of <paramref name="model"/> (any module, already on <paramref name="device"/>) over inputs from
    /// <paramref name="inputs"/>, at the inputs' size (any size the layers up to the measured one accept). The layer
    /// is a module path (null: the last module with a map); its output is captured with a hook and the pass stops
    /// there. Inputs go through in batches; the sum stays on the device and is read back once.
    /// </summary>
    public static EffectiveReceptiveField Measure(nn.Module<Tensor, Tensor> model, ErfInputs inputs, ErfSettings settings, Device device)
    {
        if (settings.Samples < 1 || settings.BatchSize < 1)
            throw new InvalidOptionException($"samples and batch size must be at least 1; got {settings.Samples} and {settings.BatchSize}");
        if (settings.Samples > inputs.Available)
            throw new InvalidOptionException($"{settings.Samples} samples asked for but the data has {inputs.Available}");
        var layer = ModelTrace.Of(model, inputs.Shape, partial: true).SpatialLayer(settings.Layer);
        var (row, column) = UnitOf(layer, settings.Unit ?? ErfUnit.Center);
        var sum = GradientSum(model, inputs, settings, device, layer.Path, row, column);
        return FromMap(layer.Path, row, column, settings.Samples, sum, inputs.Shape.Height, inputs.Shape.Width, TheoreticalOf(model, inputs.Shape, layer.Path));
    }

    /// <summary>The theoretical field of the measured layer, for the ratio; unknown where it cannot be reasoned about,
    /// and where the whole model does not take this input (its head was built for another size): the ERF itself only
    /// needs the layers up to the measured one.</summary>
    static ReceptiveFieldRow TheoreticalOf(nn.Module<Tensor, Tensor> model, InputShape input, string layer)
    {
        try
        {
            return ReceptiveFieldTable.Of(model, input, layer);
        }
        catch (StethoscopeException e)
        {
            return new ReceptiveFieldRow(layer, ReceptiveFieldKind.Unknown, null, null, null, e.Message);
        }
    }

    static double[] GradientSum(nn.Module<Tensor, Tensor> model, ErfInputs inputs, ErfSettings settings, Device device, string layer, int row, int column)
    {
        var shape = inputs.Shape;
        using var modes = TrainingModes.Evaluating(model);
        using var total = zeros([shape.Height, shape.Width], device: device);
        for (long first = 0; first < settings.Samples; first += settings.BatchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(settings.BatchSize, settings.Samples - first);
            var x = inputs.Batch(first, count).to(device).requires_grad_(true);
            var unit = LayerOutputs.Of(model, x, layer)[TensorIndex.Colon, TensorIndex.Colon, row, column].sum();
            var gradient = torch.autograd.grad([unit], [x])[0];
            total.add_(gradient.abs().sum([0, 1]));
        }
        using var mean = total.div(settings.Samples).to(float64).cpu();
        return mean.data<double>().ToArray();
    }

    /// <summary>The statistics of a gradient map, exposed so they can be checked on hand-made maps.</summary>
    public static EffectiveReceptiveField FromMap(string layer, int row, int column, int samples, double[] map, int height, int width, ReceptiveFieldRow theoretical)
    {
        var total = map.Sum();
        if (!(total > 0) || !double.IsFinite(total))
            return new(layer, row, column, samples, height, width, map, double.NaN, double.NaN, double.NaN, double.NaN, 0, theoretical);
        double meanX = 0, meanY = 0;
        for (var i = 0; i < map.Length; i++)
        {
            meanX += map[i] / total * (i % width);
            meanY += map[i] / total * (i / width);
        }
        double varX = 0, varY = 0;
        for (var i = 0; i < map.Length; i++)
        {
            varX += map[i] / total * Math.Pow(i % width - meanX, 2);
            varY += map[i] / total * Math.Pow(i / width - meanY, 2);
        }
        var (r68, r95) = Radii(map, width, total, meanX, meanY);
        return new(layer, row, column, samples, height, width, map, Math.Sqrt(varX), Math.Sqrt(varY), r68, r95, PixelsHolding95(map, total), theoretical);
    }

    /// <summary>The fewest pixels holding 95% of the map: the brightest ones first.</summary>
    static int PixelsHolding95(double[] map, double total)
    {
        double cumulative = 0;
        var count = 0;
        foreach (var value in map.OrderDescending())
        {
            cumulative += value / total;
            count++;
            if (cumulative >= 0.95)
                break;
        }
        return count;
    }

    /// <summary>Radii of the smallest discs around the centroid holding 68% and 95% of the map.</summary>
    static (double R68, double R95) Radii(double[] map, int width, double total, double meanX, double meanY)
    {
        var byDistance = Enumerable.Range(0, map.Length)
            .Select(i => (Distance: Math.Sqrt(Math.Pow(i % width - meanX, 2) + Math.Pow(i / width - meanY, 2)), Share: map[i] / total))
            .OrderBy(p => p.Distance);
        double cumulative = 0, r68 = double.NaN;
        foreach (var (distance, share) in byDistance)
        {
            cumulative += share;
            if (double.IsNaN(r68) && cumulative >= 0.68)
                r68 = distance;
            if (cumulative >= 0.95)
                return (r68, distance);
        }
        return (r68, double.NaN);
    }

    static (int Row, int Column) UnitOf(TracedLayer layer, ErfUnit unit)
    {
        int height = (int)layer.OutputShape![1], width = (int)layer.OutputShape[2];
        var row = unit.Row ?? height / 2;
        var column = unit.Column ?? width / 2;
        if (row < 0 || row >= height || column < 0 || column >= width)
            throw new InvalidOptionException($"unit {row},{column} is outside layer {layer.Path}'s {height}x{width} map (rows 0..{height - 1}, columns 0..{width - 1})");
        return (row, column);
    }
}
