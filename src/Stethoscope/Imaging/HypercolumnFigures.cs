using SkiaSharp;
using static TorchSharp.torch;

namespace Stethoscope.Imaging;

/// <summary>
/// Seed 000's two pictures of hypercolumns: the average over all features of each pixel (a heat map, scaled to its
/// own range), and the pixels' clusters painted over the grey image, one colour per cluster.
/// </summary>
public static class HypercolumnFigures
{
    static readonly SKColor[] Palette =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    /// <summary>The mean of the (features, H, W) hypercolumns per pixel, Inferno colours.</summary>
    public static SKBitmap Average(Tensor hypercolumns)
    {
        using var mean = hypercolumns.mean([0]);
        var values = FilterGrid.HostValues(mean);
        var (min, max) = GreyScale.Range(values);
        return Colormap.Inferno.Paint([.. values.Select(v => max > min ? (v - min) / (double)(max - min) : 0)], (int)mean.shape[0], (int)mean.shape[1]);
    }

    /// <summary>Cluster <c>labels[y·W + x]</c> of each pixel over the image shown in grey, half transparent.</summary>
    public static SKBitmap Clusters(Tensor shownImage, int[] labels)
    {
        int height = (int)shownImage.shape[1], width = (int)shownImage.shape[2];
        using var grey = shownImage.mean([0]);
        var levels = FilterGrid.HostValues(grey);
        var bitmap = new SKBitmap(width, height);
        for (var i = 0; i < labels.Length; i++)
        {
            var color = Palette[labels[i] % Palette.Length];
            var g = Math.Clamp(levels[i], 0, 1) * 255;
            byte Mix(byte c) => (byte)Math.Round(0.5 * c + 0.5 * g);
            bitmap.SetPixel(i % width, i / width, new SKColor(Mix(color.Red), Mix(color.Green), Mix(color.Blue)));
        }
        return bitmap;
    }

    /// <summary>A small bitmap enlarged by a whole factor to at least <paramref name="size"/> pixels on its longer side.</summary>
    public static SKBitmap Enlarged(SKBitmap bitmap, int size = 448)
    {
        var scale = Math.Max(1, size / Math.Max(bitmap.Width, bitmap.Height));
        var enlarged = new SKBitmap(bitmap.Width * scale, bitmap.Height * scale);
        using var canvas = new SKCanvas(enlarged);
        using var paint = new SKPaint { IsAntialias = false };
        canvas.DrawBitmap(bitmap, new SKRect(0, 0, enlarged.Width, enlarged.Height), paint);
        return enlarged;
    }
}
