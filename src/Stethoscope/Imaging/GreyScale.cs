using SkiaSharp;

namespace Stethoscope.Imaging;

/// <summary>Values to grey pixels, each tile scaled on its own: its minimum black, its maximum white (seed 003's
/// filters, nolearn's feature maps). A flat tile is mid-grey; NaN and infinity are black and left out of the range.</summary>
public static class GreyScale
{
    /// <summary>0 at <paramref name="min"/>, 255 at <paramref name="max"/>, rounded.</summary>
    public static byte Level(float value, float min, float max) =>
        !float.IsFinite(value) ? (byte)0
        : max > min ? (byte)Math.Round(Math.Clamp(255.0 * (value - min) / (max - min), 0, 255))
        : (byte)128;

    /// <summary>The smallest and largest finite values.</summary>
    public static (float Min, float Max) Range(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
                continue;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }
        return (min, max);
    }

    /// <summary>A <paramref name="height"/> × <paramref name="width"/> grey bitmap of row-major values, scaled to their own range.</summary>
    public static SKBitmap Paint(ReadOnlySpan<float> values, int height, int width)
    {
        var bitmap = new SKBitmap(width, height);
        var (min, max) = Range(values);
        for (var i = 0; i < values.Length; i++)
        {
            var level = Level(values[i], min, max);
            bitmap.SetPixel(i % width, i / width, new SKColor(level, level, level));
        }
        return bitmap;
    }
}
