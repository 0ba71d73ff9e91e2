using System.IO.Compression;

namespace Stethoscope.Data;

/// <summary>Reading data files whole, transparently gzip-compressed or not.</summary>
internal static class DataFile
{
    /// <summary>Reads a whole file, inflating it when it starts with the gzip magic bytes.</summary>
    public static byte[] ReadBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
            return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var inflated = new MemoryStream();
            gzip.CopyTo(inflated);
            return inflated.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"gzip data is corrupt ({e.Message.TrimEnd('.')})");
        }
    }
}
