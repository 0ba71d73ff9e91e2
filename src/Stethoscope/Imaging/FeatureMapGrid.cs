using SkiaSharp;
using static TorchSharp.torch;

namespace Stethoscope.Imaging;

/// <summary>
/// A layer's feature maps for one input as a picture: the input on the left, then every channel's map in a
/// near-square grid, each map scaled on its own (black its minimum, white its maximum; nolearn draws them negated),
/// enlarged by nearest-neighbour to at least <see cref="MinimumTileSize"/> pixels.
/// </summary>
public static class FeatureMapGrid
{
    public const int MinimumTileSize = 56;

    /// <summary><paramref name="input"/>: the (C, H, W) image as it should look (values in 0..1); <paramref name="maps"/>: (K, h, w).</summary>
    public static SKBitmap Render(Tensor input, Tensor maps, string title)
    {
        int count = (int)maps.shape[0], height = (int)maps.shape[1], width = (int)maps.shape[2];
        var values = FilterGrid.HostValues(maps);
        var plane = height * width;
        var tiles = Enumerable.Range(0, count).Select(k => new Tile(GreyScale.Paint(values.AsSpan(k * plane, plane), height, width), $"{k}")).ToArray();
        var scale = Math.Max(1, (int)Math.Ceiling((double)MinimumTileSize / Math.Max(height, width)));
        using var grid = new TileGrid(TileGrid.NearSquareColumns(count), scale, Gap: 4) { Title = title }.Render(tiles);
        foreach (var tile in tiles)
            tile.Image.Dispose();
        using var image = InputBitmap(input);
        var inputScale = Math.Max(1, (grid.Height / 2) / Math.Max(image.Height, image.Width));
        int left = image.Width * inputScale + 16, top = 30;
        var sheet = new SKBitmap(left + grid.Width, Math.Max(grid.Height, top + image.Height * inputScale));
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(SKColors.White);
        using var sampling = new SKPaint { IsAntialias = false };
        canvas.DrawBitmap(image, new SKRect(0, top, image.Width * inputScale, top + image.Height * inputScale), sampling);
        canvas.DrawBitmap(grid, left, 0);
        return sheet;
    }

    public static void SavePng(Tensor input, Tensor maps, string title, string path)
    {
        using var bitmap = Render(input, maps, title);
        PlotSheet.SavePng(bitmap, path);
    }

    static SKBitmap InputBitmap(Tensor input)
    {
        int channels = (int)input.shape[0], height = (int)input.shape[1], width = (int)input.shape[2];
        var values = FilterGrid.HostValues(input);
        if (channels != 3)
            return GreyScale.Paint(values.AsSpan(0, height * width), height, width);
        var bitmap = new SKBitmap(width, height);
        var plane = height * width;
        byte Byte(float v) => (byte)Math.Round(Math.Clamp(v, 0, 1) * 255);
        for (var i = 0; i < plane; i++)
            bitmap.SetPixel(i % width, i / width, new SKColor(Byte(values[i]), Byte(values[plane + i]), Byte(values[2 * plane + i])));
        return bitmap;
    }
}
