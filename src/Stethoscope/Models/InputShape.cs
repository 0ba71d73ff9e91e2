using System.Globalization;

namespace Stethoscope.Models;

/// <summary>The shape of one input image, channels first, as written on the command line: <c>3x224x224</c>.</summary>
public readonly record struct InputShape(int Channels, int Height, int Width)
{
    public static InputShape Parse(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var c)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && c > 0 && h > 0 && w > 0)
            return new InputShape(c, h, w);
        throw new StethoscopeException($"input shape '{text}' is not CxHxW with positive integers (for example 3x224x224)");
    }

    public long[] WithBatch(long batch) => [batch, Channels, Height, Width];

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
