using System.Buffers.Binary;
using System.Text;
using Stethoscope.Data;

namespace Stethoscope.Sound;

/// <summary>
/// A WAV file read back: its format and its samples as floats in [-1, 1], interleaved by channel. Reads PCM16 and
/// IEEE float32; a file whose data chunk is cut short (a run killed between two flushes) yields the whole frames present.
/// </summary>
public sealed record WavFile(int SampleRate, int Channels, SampleFormat Format, float[] Samples)
{
    public long Frames => Samples.Length / Channels;

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Frames / SampleRate);

    /// <summary>The samples of one channel.</summary>
    public float[] Channel(int index) => [.. Enumerable.Range(0, (int)Frames).Select(f => Samples[f * Channels + index])];

    public static WavFile Read(string path)
    {
        if (!File.Exists(path))
            throw new DataFormatException(path, "no such file");
        return Parse(File.ReadAllBytes(path), path);
    }

    public static WavFile Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes[8..12].SequenceEqual("WAVE"u8))
            throw new DataFormatException(name, "not a WAV file (no RIFF/WAVE header)");
        (int Tag, int Channels, int Rate, int Bits)? format = null;
        for (var at = 12; at + 8 <= bytes.Length;)
        {
            var id = Encoding.ASCII.GetString(bytes.Slice(at, 4));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(at + 4)..]);
            var body = bytes[(at + 8)..];
            if (id == "fmt ")
                format = ReadFormat(body, size, name);
            else if (id == "data")
            {
                if (format is not { } f)
                    throw new DataFormatException(name, "data chunk before the fmt chunk");
                var present = (int)Math.Min(size, (uint)body.Length);
                return Decode(body[..present], f);
            }
            at += 8 + (int)Math.Min(size + (size & 1), int.MaxValue - at - 8);
        }
        throw new DataFormatException(name, "no data chunk");
    }

    static (int, int, int, int) ReadFormat(ReadOnlySpan<byte> body, uint size, string name)
    {
        if (size < 16 || body.Length < 16)
            throw new DataFormatException(name, "fmt chunk too short");
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
        var rate = BinaryPrimitives.ReadInt32LittleEndian(body[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
        if (!((tag == 1 && bits == 16) || (tag == 3 && bits == 32)))
            throw new DataFormatException(name, $"format tag {tag} with {bits}-bit samples; readable: PCM16 (tag 1) and float32 (tag 3)");
        if (channels == 0 || rate <= 0)
            throw new DataFormatException(name, $"{channels} channels at {rate} Hz");
        return (tag, channels, rate, bits);
    }

    static WavFile Decode(ReadOnlySpan<byte> data, (int Tag, int Channels, int Rate, int Bits) f)
    {
        var frameBytes = f.Channels * f.Bits / 8;
        var count = data.Length / frameBytes * f.Channels;
        var samples = new float[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = f.Tag == 1
                ? BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]) / 32767f
                : BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
        }
        return new WavFile(f.Rate, f.Channels, f.Tag == 1 ? SampleFormat.Pcm16 : SampleFormat.Float32, samples);
    }
}
