using SkiaSharp;
using static TorchSharp.torch;

namespace Stethoscope.Imaging;

/// <summary>How filter values become brightness.</summary>
public enum FilterScaling
{
    /// <summary>Each tile on its own: its minimum black, its maximum white (seed 003, nolearn's <c>plot_conv_weights</c>).</summary>
    PerFilter,

    /// <summary>One scale for the whole layer, symmetric around zero on a diverging map: blue negative, white zero, red positive.</summary>
    Global,
}

/// <summary>
/// Convolution kernels (or their gradients) as a grid of small images: one tile per filter and input channel,
/// or one RGB tile per filter when the layer reads 3 channels; tiles in a near-square grid with a gap,
/// enlarged by nearest-neighbour so a 3x3 or 5x5 kernel is visible.
/// </summary>
public static class FilterGrid
{
    /// <summary>Tiles are enlarged to at least this many pixels on a side.</summary>
    public const int MinimumTileSize = 60;

    public const int Gap = 4;

    /// <summary>Renders <paramref name="weight"/> (out, in, kh, kw), on any device, as one bitmap.</summary>
    public static SKBitmap Render(Tensor weight, FilterScaling scaling, string? title = null)
    {
        if (weight.dim() != 4)
            throw new StethoscopeException($"filters need a 4-d convolution weight (out, in, height, width); got shape [{string.Join(", ", weight.shape)}]");
        var tiles = Tiles(weight, scaling);
        int kh = (int)weight.shape[2], kw = (int)weight.shape[3];
        var grid = new TileGrid(TileGrid.NearSquareColumns(tiles.Count), Scale: Math.Max(1, (int)Math.Ceiling((double)MinimumTileSize / Math.Max(kh, kw))), Gap) { Title = title };
        try
        {
            return grid.Render(tiles);
        }
        finally
        {
            foreach (var tile in tiles)
                tile.Image.Dispose();
        }
    }

    public static void SavePng(Tensor weight, FilterScaling scaling, string path, string? title = null)
    {
        using var bitmap = Render(weight, scaling, title);
        PlotSheet.SavePng(bitmap, path);
    }

    static List<Tile> Tiles(Tensor weight, FilterScaling scaling)
    {
        int outChannels = (int)weight.shape[0], inChannels = (int)weight.shape[1], kh = (int)weight.shape[2], kw = (int)weight.shape[3];
        var values = HostValues(weight);
        var limit = values.Where(float.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        var rgb = inChannels == 3;
        var perTile = rgb ? 3 * kh * kw : kh * kw;
        var tiles = new List<Tile>(values.Length / perTile);
        for (var start = 0; start < values.Length; start += perTile)
        {
            var block = values.AsSpan(start, perTile);
            tiles.Add(new Tile(rgb ? Rgb(block, kh, kw, scaling, limit) : Single(block, kh, kw, scaling, limit)));
        }
        return tiles;
    }

    static SKBitmap Single(ReadOnlySpan<float> block, int kh, int kw, FilterScaling scaling, float limit)
    {
        if (scaling == FilterScaling.Global)
            return Colormap.Diverging.Paint([.. Fractions(block, -limit, limit)], kh, kw);
        return GreyScale.Paint(block, kh, kw);
    }

    /// <summary>The three input channels of one filter as red, green and blue.</summary>
    static SKBitmap Rgb(ReadOnlySpan<float> block, int kh, int kw, FilterScaling scaling, float limit)
    {
        var (min, max) = scaling == FilterScaling.Global ? (-limit, limit) : GreyScale.Range(block);
        var bitmap = new SKBitmap(kw, kh);
        var plane = kh * kw;
        for (var i = 0; i < plane; i++)
            bitmap.SetPixel(i % kw, i / kw, new SKColor(GreyScale.Level(block[i], min, max), GreyScale.Level(block[plane + i], min, max), GreyScale.Level(block[2 * plane + i], min, max)));
        return bitmap;
    }

    /// <summary>A tensor's values on the host as float32, row-major; the copies it takes on the way are disposed.</summary>
    public static float[] HostValues(Tensor values)
    {
        using var scope = NewDisposeScope();
        return values.detach().to(float32).cpu().contiguous().data<float>().ToArray();
    }

    static IEnumerable<double> Fractions(ReadOnlySpan<float> block, float min, float max)
    {
        var fractions = new double[block.Length];
        for (var i = 0; i < block.Length; i++)
            fractions[i] = max > min && float.IsFinite(block[i]) ? (block[i] - min) / (max - min) : 0.5;
        return fractions;
    }
}
