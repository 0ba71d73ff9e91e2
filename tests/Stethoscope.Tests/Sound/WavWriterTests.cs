using System.Buffers.Binary;
using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

public class WavWriterTests
{
    // Read as another process would (a player, or whatever is left after a SIGKILL): the bytes on disk, not the writer's buffers.
    static byte[] OnDisk(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }

    [Theory]
    [InlineData(SampleFormat.Pcm16, 44)]
    [InlineData(SampleFormat.Float32, 58)]
    public void A_new_writer_has_put_a_playable_empty_wav_on_disk_before_any_write_or_flush(SampleFormat format, int headerBytes)
    {
        using var temp = new TempDirectory();
        var path = temp["a.wav"];
        using var writer = new WavWriter(path, 8000, 2, format);
        var bytes = OnDisk(path);
        Assert.Equal(headerBytes, bytes.Length);
        Assert.Equal((uint)headerBytes - 8, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4))); // RIFF size
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(headerBytes - 4))); // data size
        var wav = WavFile.Parse(bytes, path);
        Assert.Equal((8000, 2, format, 0L), (wav.SampleRate, wav.Channels, wav.Format, wav.Frames));
    }

    [Fact]
    public void After_a_flush_the_file_on_disk_holds_exactly_the_frames_written_while_the_writer_stays_open()
    {
        using var temp = new TempDirectory();
        var path = temp["a.wav"];
        using var writer = new WavWriter(path, 8000, 2, SampleFormat.Float32);
        writer.Write([0.5f, -0.25f, 1f, 0f, -1f, 0.125f]);
        writer.Flush();
        var bytes = OnDisk(path);
        Assert.Equal(58 + 6 * 4, bytes.Length);
        Assert.Equal((uint)bytes.Length - 8, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        var wav = WavFile.Parse(bytes, path);
        Assert.Equal(3L, wav.Frames);
        Assert.Equal([0.5f, -0.25f, 1f, 0f, -1f, 0.125f], wav.Samples);
        // Frames written after the flush are not yet declared: the file still reads as the three flushed ones.
        writer.Write([0.75f, 0.75f]);
        Assert.Equal(3L, WavFile.Parse(OnDisk(path), path).Frames);
    }
}
