using System.Globalization;
using System.Text;
using SkiaSharp;
using Stethoscope.Analysis;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Experiments;

/// <summary>What the study measures: depths, input size, weight draws for random init, and inputs per draw.</summary>
public sealed record ErfStudySettings(int[] Depths, int InputSize = 96, int Draws = 32, int SamplesPerDraw = 4, int Kernel = 3)
{
    public static ErfStudySettings Paper { get; } = new([5, 10, 20, 40]);
}

/// <summary>One configuration of the study: the weight initialisation and the activation between layers.</summary>
public sealed record ErfStudyCase(StackInit Init, StackActivation Activation)
{
    public string Label => $"{Init.ToString().ToLowerInvariant()}, {Activation.ToString().ToLowerInvariant()}";
}

/// <summary>The ERF of one configuration at one depth (averaged over weight draws and inputs).</summary>
public sealed record ErfStudyCell(ErfStudyCase Case, int Depth, EffectiveReceptiveField Field);

/// <summary>How one configuration's ERF scales with depth: σ ∝ depth^<see cref="SizeExponent"/> and
/// (ERF / theoretical RF) ∝ depth^<see cref="RatioExponent"/>, fitted by least squares on logarithms (NaN where the gradient vanished).</summary>
public sealed record ErfStudyFit(ErfStudyCase Case, double SizeExponent, double RatioExponent);

/// <summary>All cells and fits of a study, and the files written.</summary>
public sealed record ErfStudyResult(IReadOnlyList<ErfStudyCell> Cells, IReadOnlyList<ErfStudyFit> Fits, string Figure, string Table);

/// <summary>
/// Luo et al. 2016's Figure 1 and their √depth law, made again: <c>erf-stack</c> networks of increasing depth with
/// uniform and random weights and linear, ReLU, tanh and sigmoid activations; the ERF of the centre unit of the last
/// layer for each, a grid of heat maps (rows: configurations, columns: depths), and a table of σ, r95, theoretical
/// RF and ratio per depth with fitted exponents. Random weights are averaged over several draws, as the paper does.
/// </summary>
public static class ErfStudy
{
    public const string FigureName = "erf-study.png";
    public const string TableName = "erf-study.csv";

    public static IReadOnlyList<ErfStudyCase> Cases { get; } =
        [.. from init in Enum.GetValues<StackInit>() from activation in Enum.GetValues<StackActivation>() select new ErfStudyCase(init, activation)];

    public static ErfStudyResult Run(string folder, ErfStudySettings settings, Device device, Action<ErfStudyCase>? starting = null)
    {
        if (settings.Depths.Length < 2 || settings.Depths.Any(d => d < 1))
            throw new InvalidOptionException("the study needs at least two depths, each at least 1");
        Directory.CreateDirectory(folder);
        var cells = new List<ErfStudyCell>();
        foreach (var study in Cases)
        {
            starting?.Invoke(study);
            cells.AddRange(settings.Depths.Select(depth => new ErfStudyCell(study, depth, Measure(study, depth, settings, device))));
        }
        var fits = Cases.Select(c => Fit(c, [.. cells.Where(cell => cell.Case == c)])).ToArray();
        var figure = Path.Combine(folder, FigureName);
        var table = Path.Combine(folder, TableName);
        SaveFigure(cells, settings, figure);
        AtomicFile.WriteAllText(table, Csv(cells));
        return new ErfStudyResult(cells, fits, figure, table);
    }

    /// <summary>The ERF averaged over weight draws: random init draws new weights each time, uniform needs one.</summary>
    static EffectiveReceptiveField Measure(ErfStudyCase study, int depth, ErfStudySettings settings, Device device)
    {
        var shape = new InputShape(1, settings.InputSize, settings.InputSize);
        var draws = study.Init == StackInit.Random ? settings.Draws : 1;
        var samples = settings.SamplesPerDraw * settings.Draws / draws;
        var request = new ModelRequest(shape, ErfStack: new ErfStackSettings(depth, settings.Kernel, Activation: study.Activation, Init: study.Init));
        EffectiveReceptiveField? first = null;
        var sum = new double[shape.Height * shape.Width];
        for (var draw = 0; draw < draws; draw++)
        {
            using var model = ErfStack.Recipe.Create(request, seed: draw);
            model.to(device);
            var field = EffectiveReceptiveField.Measure(model, ErfInputs.Random(shape, seed: draw), new ErfSettings(Samples: samples, BatchSize: samples), device);
            first ??= field;
            for (var i = 0; i < sum.Length; i++)
                sum[i] += field.Map[i] / draws;
        }
        return EffectiveReceptiveField.FromMap(first!.Layer, first.UnitRow, first.UnitColumn, samples * draws, sum, shape.Height, shape.Width, first.Theoretical);
    }

    /// <summary>Least-squares slope of log y on log depth.</summary>
    public static double Exponent(IReadOnlyList<(int Depth, double Value)> points)
    {
        var usable = points.Where(p => double.IsFinite(p.Value) && p.Value > 0).ToArray();
        if (usable.Length < 2)
            return double.NaN;
        var xs = usable.Select(p => Math.Log(p.Depth)).ToArray();
        var ys = usable.Select(p => Math.Log(p.Value)).ToArray();
        double meanX = xs.Average(), meanY = ys.Average();
        var covariance = xs.Zip(ys, (x, y) => (x - meanX) * (y - meanY)).Sum();
        var variance = xs.Sum(x => (x - meanX) * (x - meanX));
        return covariance / variance;
    }

    static ErfStudyFit Fit(ErfStudyCase study, ErfStudyCell[] cells) => new(
        study,
        Exponent([.. cells.Select(c => (c.Depth, c.Field.Sigma))]),
        Exponent([.. cells.Select(c => (c.Depth, c.Field.Ratio ?? double.NaN))]));

    static void SaveFigure(IReadOnlyList<ErfStudyCell> cells, ErfStudySettings settings, string path)
    {
        var deepest = cells.Max(c => c.Field.TheoreticalSize ?? 0);
        var crop = Math.Min(settings.InputSize, deepest + 4);
        var tiles = cells.Select(c => new Tile(Heat(c.Field, crop), double.IsNaN(c.Field.Sigma)
            ? "vanished"
            : string.Create(CultureInfo.InvariantCulture, $"σ {c.Field.Sigma:0.0}, ratio {c.Field.Ratio:0.00}"))).ToArray();
        var grid = new TileGrid(settings.Depths.Length, Scale: Math.Max(1, 180 / crop), Gap: 10)
        {
            Title = $"ERF of the centre unit, {settings.Kernel}x{settings.Kernel} conv stacks; central {crop}x{crop} px of {settings.InputSize}x{settings.InputSize}; each map scaled to its maximum",
            ColumnHeadings = [.. settings.Depths.Select(d => $"{d} layers")],
            RowLabels = [.. Cases.Select(c => c.Label)],
        };
        using var sheet = grid.Render(tiles);
        foreach (var tile in tiles)
            tile.Image.Dispose();
        PlotSheet.SavePng(sheet, path);
    }

    /// <summary>The central <paramref name="crop"/> × <paramref name="crop"/> pixels around the unit, scaled to the map's maximum.</summary>
    static SKBitmap Heat(EffectiveReceptiveField field, int crop)
    {
        var peak = field.Map.Max();
        int top = Math.Clamp(field.UnitRow - crop / 2, 0, field.Height - crop), left = Math.Clamp(field.UnitColumn - crop / 2, 0, field.Width - crop);
        var values = new double[crop * crop];
        for (var row = 0; row < crop; row++)
            for (var column = 0; column < crop; column++)
                values[row * crop + column] = peak > 0 ? field[top + row, left + column] / peak : 0;
        return Colormap.Inferno.Paint(values, crop, crop);
    }

    static string Csv(IReadOnlyList<ErfStudyCell> cells)
    {
        var csv = new StringBuilder("init,activation,depth,sigma,sigma_x,sigma_y,r68,r95,theoretical_rf,ratio\n");
        foreach (var cell in cells)
        {
            var f = cell.Field;
            csv.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"{cell.Case.Init.ToString().ToLowerInvariant()},{cell.Case.Activation.ToString().ToLowerInvariant()},{cell.Depth},{f.Sigma:G6},{f.SigmaX:G6},{f.SigmaY:G6},{f.R68:G6},{f.R95:G6},{f.TheoreticalSize},{f.Ratio ?? double.NaN:G6}"));
        }
        return csv.ToString();
    }
}
