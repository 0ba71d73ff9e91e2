using System.Buffers.Binary;
using System.Numerics;
using Google.Protobuf;
using Tensorboard;

namespace Stethoscope.TensorBoard;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.*</c>) through TorchSharp's own protobuf classes, keeping
/// the file open. TorchSharp's <c>SummaryWriter</c> opens and closes the file for every single value, too slow for
/// a dozen scalars per training step; here one <see cref="Event"/> carries all of a step's values, records are
/// framed as TFRecords (length, masked CRC-32C, data, masked CRC-32C), and <see cref="Flush"/> makes them durable.
/// </summary>
public sealed class EventFileWriter : IDisposable
{
    readonly FileStream stream;

    public EventFileWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Path = System.IO.Path.Combine(directory, $"events.out.tfevents.{seconds}.{Environment.MachineName}.{Environment.ProcessId}");
        stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        Write(new Event { WallTime = WallTime(), FileVersion = "brain.Event:2" });
    }

    public string Path { get; }

    /// <summary>Writes several scalar values logged at the same step as one event.</summary>
    public void WriteScalars(long step, IEnumerable<(string Tag, float Value)> scalars)
    {
        var summary = new Summary();
        foreach (var (tag, value) in scalars)
            summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = value });
        Write(new Event { WallTime = WallTime(), Step = step, Summary = summary });
    }

    /// <summary>Writes a sound as an audio summary (TensorBoard's audio dashboard plays it); <paramref name="wav"/> is a whole WAV file.</summary>
    public void WriteAudio(long step, string tag, byte[] wav, int sampleRate, int channels, long frames)
    {
        var audio = new Summary.Types.Audio
        {
            SampleRate = sampleRate,
            NumChannels = channels,
            LengthFrames = frames,
            EncodedAudioString = ByteString.CopyFrom(wav),
            ContentType = "audio/wav",
        };
        Write(step, new Summary.Types.Value { Tag = tag, Audio = audio });
    }

    void Write(long step, Summary.Types.Value value)
    {
        var summary = new Summary();
        summary.Value.Add(value);
        Write(new Event { WallTime = WallTime(), Step = step, Summary = summary });
    }

    /// <summary>A histogram summary: bucket right edges and counts, with min, max, count, sum and sum of squares.</summary>
    public void WriteHistogram(long step, string tag, double min, double max, double count, double sum, double sumSquares, IReadOnlyList<double> rightEdges, IReadOnlyList<double> counts)
    {
        var histogram = new HistogramProto { Min = min, Max = max, Num = count, Sum = sum, SumSquares = sumSquares };
        histogram.BucketLimit.AddRange(rightEdges);
        histogram.Bucket.AddRange(counts);
        Write(step, new Summary.Types.Value { Tag = tag, Histo = histogram });
    }

    /// <summary>An image summary from encoded PNG bytes.</summary>
    public void WriteImage(long step, string tag, byte[] png, int width, int height, int channels = 4)
    {
        var image = new Summary.Types.Image { Height = height, Width = width, Colorspace = channels, EncodedImageString = ByteString.CopyFrom(png) };
        Write(step, new Summary.Types.Value { Tag = tag, Image = image });
    }

    /// <summary>A text summary (TensorBoard's text dashboard renders it as Markdown), built by TorchSharp's own
    /// <c>Summary.text</c>: the tag becomes <c>&lt;tag&gt;/text_summary</c>, as in PyTorch.</summary>
    public void WriteText(long step, string tag, string markdown) =>
        Write(new Event { WallTime = WallTime(), Step = step, Summary = TorchSharp.torch.utils.tensorboard.Summary.text(tag, markdown) });

    public void Flush() => stream.Flush();

    /// <summary>Closes the file; safe to call again (owners close it when training ends and again on leaving a <c>using</c>).</summary>
    public void Dispose() => stream.Dispose();

    void Write(Event e)
    {
        var data = e.ToByteArray();
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>TFRecord's checksum: CRC-32C, rotated right by 15 bits, plus a constant.</summary>
    internal static uint MaskedCrc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
            crc = BitOperations.Crc32C(crc, b);
        crc ^= 0xFFFFFFFFu;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
