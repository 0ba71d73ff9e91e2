using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Data;

/// <summary>One image file (PNG, JPEG, BMP, GIF, WebP) as pixel planes: grey for one channel, RGB for three.</summary>
public static class ImageFile
{
    /// <summary>
    /// The most pixels an image may have: 64 megapixels (8192²), far beyond any input these networks take, and
    /// checked from the header before a byte of pixels is allocated (a 100-byte PNG can claim 20000×20000).
    /// </summary>
    public const long MaxPixels = 64L << 20;

    public static SKBitmap Decode(string path, bool grey)
    {
        using var codec = Open(path);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            // IncompleteInput: SkiaSharp fills the missing rows itself; a picture with invented rows is refused.
            throw new DataFormatException(path, result == SKCodecResult.IncompleteInput
                ? "truncated image (its pixel data ends early)"
                : $"cannot be decoded ({result})");
        }
        return bitmap;
    }

    /// <summary>The decoder for a regular image file whose header is within <see cref="MaxPixels"/>.</summary>
    static SKCodec Open(string path)
    {
        var kind = Runs.FileEntry.Of(path).Kind;
        if (kind is Runs.FileKind.Missing or Runs.FileKind.Directory)
            throw new DataFormatException(path, "no such image file");
        // A FIFO or a device would block or never end; only a regular file (or a link to one) is read.
        if (kind == Runs.FileKind.Special || (kind == Runs.FileKind.SymbolicLink && !File.Exists(path)))
            throw new DataFormatException(path, "not a regular file");
        var codec = SKCodec.Create(path) ?? throw new DataFormatException(path, "not an image SkiaSharp can decode");
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
        {
            codec.Dispose();
            throw new DataFormatException(path, $"{width}x{height} pixels is beyond the limit of {MaxPixels} pixels for an input image");
        }
        return codec;
    }

    /// <summary>Whether the file stores grey pixels (SkiaSharp decodes those to grey, and colour only to colour).</summary>
    public static bool IsGrey(string path)
    {
        using var codec = Open(path);
        return codec.Info.ColorType == SKColorType.Gray8;
    }

    /// <summary>The pixels as planes (C, H, W), the layout the tensors use.</summary>
    public static byte[] Planes(SKBitmap bitmap, bool grey)
    {
        var source = bitmap.GetPixelSpan();
        if (grey)
            return source.ToArray();
        var plane = bitmap.Width * bitmap.Height;
        var planes = new byte[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            planes[i] = source[4 * i];
            planes[plane + i] = source[4 * i + 1];
            planes[2 * plane + i] = source[4 * i + 2];
        }
        return planes;
    }

    /// <summary>The image resized straight to <paramref name="shape"/> (no crop, as seed 000 does; an image already
    /// that size is left as it is) as a (C, H, W) float tensor in 0..1.</summary>
    public static Tensor LoadResized(string path, Models.InputShape shape)
    {
        using var image = Load(path, shape.Channels);
        if (image.shape[1] == shape.Height && image.shape[2] == shape.Width)
            return image.clone();
        using var batch = image.unsqueeze(0);
        using var resized = nn.functional.interpolate(batch, [shape.Height, shape.Width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return resized[0].clamp(0, 1);
    }

    /// <summary>The image at its own size as a (channels, H, W) float tensor in 0..1; colour images become grey for one channel.</summary>
    public static Tensor Load(string path, int channels)
    {
        if (channels is not (1 or 3))
            throw new StethoscopeException($"{path}: images can feed 1 (grey) or 3 (RGB) channels, not {channels}");
        var grey = channels == 1 && IsGrey(path);
        using var bitmap = Decode(path, grey);
        using var planes = tensor(Planes(bitmap, grey), ScalarType.Byte).view(grey ? 1 : 3, bitmap.Height, bitmap.Width).to_type(ScalarType.Float32).div_(255f);
        if (channels == 3 || grey)
            return planes.clone();
        // A colour file for a grey model: ITU-R BT.601 luma, as PIL's convert("L") does.
        using var weights = tensor(new[] { 0.299f, 0.587f, 0.114f }).view(3, 1, 1);
        return planes.mul(weights).sum(dim: 0, keepdim: true);
    }
}
