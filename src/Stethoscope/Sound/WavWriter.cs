using System.Buffers.Binary;

namespace Stethoscope.Sound;

/// <summary>
/// Writes a RIFF/WAVE file as samples arrive. The whole header is written and flushed at creation (sizes for zero
/// frames) and its sizes are rewritten at every <see cref="Flush"/>, so the file on disk is at every moment a valid WAV
/// of the frames flushed so far (after Ctrl-C, a divergence or a crash too, even one before the first flush); memory does not grow with the length of the sound. PCM16 is written with format tag 1, float32 with
/// format tag 3 and the <c>fact</c> chunk that non-PCM formats require (the seed wrote floats under a PCM header).
/// </summary>
public sealed class WavWriter : IDisposable
{
    const int PcmTag = 1;
    const int FloatTag = 3;

    readonly Stream stream;
    readonly bool ownsStream;
    readonly long riffStart;
    readonly long dataSizeOffset;
    readonly long factOffset;
    readonly byte[] buffer = new byte[1 << 15];
    bool disposed;

    /// <summary>Creates (or replaces) the file at <paramref name="path"/>; readers may open it while it grows.</summary>
    public WavWriter(string path, int sampleRate, int channels, SampleFormat format)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), sampleRate, channels, format, ownsStream: true) { }

    /// <summary>Writes into a seekable stream (for example a <see cref="MemoryStream"/>), left open on dispose.</summary>
    public WavWriter(Stream stream, int sampleRate, int channels, SampleFormat format)
        : this(stream, sampleRate, channels, format, ownsStream: false) { }

    WavWriter(Stream stream, int sampleRate, int channels, SampleFormat format, bool ownsStream)
    {
        if (sampleRate <= 0 || channels is < 1 or > 8)
            throw new ArgumentOutOfRangeException(nameof(channels), $"a WAV needs a positive sample rate and 1 to 8 channels; got {sampleRate} Hz, {channels} channels");
        this.stream = stream;
        this.ownsStream = ownsStream;
        SampleRate = sampleRate;
        Channels = channels;
        Format = format;
        riffStart = stream.Position;
        (dataSizeOffset, factOffset) = WriteHeader();
        // The header goes to the file now, with the sizes of zero frames: a process killed before its first flush
        // still leaves a playable (empty) WAV, not an empty file or one whose sizes are zero.
        Flush();
    }

    public int SampleRate { get; }

    public int Channels { get; }

    public SampleFormat Format { get; }

    /// <summary>Frames written so far (one sample per channel each).</summary>
    public long Frames { get; private set; }

    int BytesPerSample => Format == SampleFormat.Pcm16 ? 2 : 4;

    /// <summary>Appends interleaved samples in [-1, 1] (louder ones are clipped; NaN is written as silence).</summary>
    public void Write(ReadOnlySpan<float> interleaved)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (interleaved.Length % Channels != 0)
            throw new ArgumentException($"{interleaved.Length} samples do not make whole frames of {Channels} channels");
        var perChunk = buffer.Length / BytesPerSample;
        for (var start = 0; start < interleaved.Length; start += perChunk)
        {
            var chunk = interleaved.Slice(start, Math.Min(perChunk, interleaved.Length - start));
            Encode(chunk, buffer);
            stream.Write(buffer, 0, chunk.Length * BytesPerSample);
        }
        Frames += interleaved.Length / Channels;
    }

    /// <summary>Rewrites the header's sizes for what has been written and pushes everything to the file.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var end = stream.Position;
        var dataBytes = Frames * Channels * BytesPerSample;
        Span<byte> size = stackalloc byte[4];
        Patch(riffStart + 4, (uint)Math.Min(uint.MaxValue, end - riffStart - 8), size);
        Patch(dataSizeOffset, (uint)Math.Min(uint.MaxValue, dataBytes), size);
        if (factOffset > 0)
            Patch(factOffset, (uint)Math.Min(uint.MaxValue, Frames), size);
        stream.Position = end;
        stream.Flush();
    }

    public void Dispose()
    {
        if (disposed)
            return;
        Flush();
        disposed = true;
        if (ownsStream)
            stream.Dispose();
    }

    void Patch(long offset, uint value, Span<byte> scratch)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, value);
        stream.Position = offset;
        stream.Write(scratch);
    }

    void Encode(ReadOnlySpan<float> samples, Span<byte> bytes)
    {
        for (var i = 0; i < samples.Length; i++)
        {
            var s = float.IsNaN(samples[i]) ? 0f : Math.Clamp(samples[i], -1f, 1f);
            if (Format == SampleFormat.Pcm16)
                BinaryPrimitives.WriteInt16LittleEndian(bytes[(2 * i)..], ToPcm16(s));
            else
                BinaryPrimitives.WriteSingleLittleEndian(bytes[(4 * i)..], s);
        }
    }

    /// <summary>The PCM16 value of a sample in [-1, 1]: scaled by 32767 and rounded half away from zero.</summary>
    public static short ToPcm16(float sample) =>
        (short)Math.Round(Math.Clamp(sample, -1f, 1f) * 32767.0, MidpointRounding.AwayFromZero);

    (long DataSize, long Fact) WriteHeader()
    {
        var isFloat = Format == SampleFormat.Float32;
        var fmtSize = isFloat ? 18 : 16;
        using var header = new MemoryStream();
        using (var w = new BinaryWriter(header, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8);
            w.Write(0u);
            w.Write("WAVE"u8);
            w.Write("fmt "u8);
            w.Write(fmtSize);
            w.Write((ushort)(isFloat ? FloatTag : PcmTag));
            w.Write((ushort)Channels);
            w.Write(SampleRate);
            w.Write(SampleRate * Channels * BytesPerSample);
            w.Write((ushort)(Channels * BytesPerSample));
            w.Write((ushort)(8 * BytesPerSample));
            if (isFloat)
            {
                w.Write((ushort)0);
                w.Write("fact"u8);
                w.Write(4);
                w.Write(0u);
            }
            w.Write("data"u8);
            w.Write(0u);
        }
        var bytes = header.ToArray();
        stream.Write(bytes);
        var fact = isFloat ? riffStart + bytes.Length - 12 : 0;
        return (riffStart + bytes.Length - 4, fact);
    }
}
