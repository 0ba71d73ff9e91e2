using SkiaSharp;

namespace Stethoscope.Imaging;

/// <summary>Maps a value scaled to 0..1 to a colour: ScottPlot's colour maps, reused for pixel-exact tiles.</summary>
public sealed class Colormap(ScottPlot.IColormap map)
{
    /// <summary>Black through red and yellow to white: magnitudes (receptive fields, activations).</summary>
    public static Colormap Inferno { get; } = new(new ScottPlot.Colormaps.Inferno());

    /// <summary>Black to white: per-filter scaled weights, as in seed 003.</summary>
    public static Colormap Gray { get; } = new(new ScottPlot.Colormaps.Grayscale());

    /// <summary>Blue through white to red: signed values around zero.</summary>
    public static Colormap Diverging { get; } = new(new ScottPlot.Colormaps.Balance());

    public SKColor this[double fraction]
    {
        get
        {
            var color = map.GetColor(double.IsFinite(fraction) ? Math.Clamp(fraction, 0, 1) : 0);
            return new SKColor(color.R, color.G, color.B);
        }
    }

    /// <summary>A <paramref name="height"/> × <paramref name="width"/> bitmap of row-major <paramref name="values"/>, each already scaled to 0..1.</summary>
    public SKBitmap Paint(ReadOnlySpan<double> values, int height, int width)
    {
        var bitmap = new SKBitmap(width, height);
        for (var i = 0; i < values.Length; i++)
            bitmap.SetPixel(i % width, i / width, this[values[i]]);
        return bitmap;
    }
}
