using System.Buffers.Binary;
using Stethoscope.Data;
using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

public class WavFileTests
{
    static readonly float[] Stereo = [0f, 0.5f, -0.5f, 1f, -1f, 0.25f, 2f, float.NaN];

    [Fact]
    public void Pcm16_round_trips_with_a_standard_header()
    {
        using var temp = new TempDirectory();
        var path = temp["a.wav"];
        using (var writer = new WavWriter(path, 44100, 2, SampleFormat.Pcm16))
            writer.Write(Stereo);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(44 + Stereo.Length * 2, bytes.Length);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20))); // format tag: PCM
        Assert.Equal(44100 * 2 * 2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(28))); // byte rate
        Assert.Equal((uint)bytes.Length - 8, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal((uint)Stereo.Length * 2, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(16384, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(44 + 2))); // 0.5 × 32767, rounded half away
        var wav = WavFile.Read(path);
        Assert.Equal((44100, 2, SampleFormat.Pcm16, 4L), (wav.SampleRate, wav.Channels, wav.Format, wav.Frames));
        Assert.Equal([0f, 1f, 0f], wav.Samples.Where((_, i) => i is 0 or 3 or 7)); // clipped, NaN written as silence
        Assert.Equal(-1f, wav.Samples[4]);
        Assert.Equal(-0.5f, wav.Samples[2], 4);
    }

    [Fact]
    public void Disposing_twice_leaves_the_file_as_the_first_dispose_wrote_it()
    {
        using var temp = new TempDirectory();
        var writer = new WavWriter(temp["a.wav"], 44100, 2, SampleFormat.Pcm16);
        writer.Write(Stereo);
        writer.Dispose();
        var first = File.ReadAllBytes(temp["a.wav"]);
        writer.Dispose();
        Assert.Equal(first, File.ReadAllBytes(temp["a.wav"]));
        Assert.Equal(44 + Stereo.Length * 2, first.Length);
    }

    [Fact]
    public void Float32_is_written_with_format_tag_3_and_a_fact_chunk()
    {
        using var temp = new TempDirectory();
        var path = temp["f.wav"];
        using (var writer = new WavWriter(path, 44100, 1, SampleFormat.Float32))
            writer.Write([0.1f, -0.2f, 0.3f]);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(18u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal("fact"u8.ToArray(), bytes[38..42]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(46))); // frames
        var wav = WavFile.Read(path);
        Assert.Equal(SampleFormat.Float32, wav.Format);
        Assert.Equal([0.1f, -0.2f, 0.3f], wav.Samples);
    }

    [Fact]
    public void A_file_being_written_is_valid_after_each_flush_and_readable_when_cut_short()
    {
        using var temp = new TempDirectory();
        var path = temp["live.wav"];
        using var writer = new WavWriter(path, 44100, 1, SampleFormat.Pcm16);
        writer.Write(new float[1000]);
        writer.Flush();
        Assert.Equal(1000, WavFile.Read(path).Frames);
        writer.Write(new float[500]);
        Assert.Equal(1000, WavFile.Read(path).Frames); // not flushed yet: the header still says 1000
        writer.Flush();
        Assert.Equal(1500, WavFile.Read(path).Frames);

        var cut = File.ReadAllBytes(path)[..(44 + 2 * 700 + 1)];
        Assert.Equal(700, WavFile.Parse(cut, "cut.wav").Frames);
    }

    [Theory]
    [InlineData("not a WAV file")]
    [InlineData("format tag 85")]
    [InlineData("no data chunk")]
    public void Broken_files_are_refused_with_the_problem_named(string problem)
    {
        using var temp = new TempDirectory();
        var path = temp["bad.wav"];
        using (var writer = new WavWriter(path, 8000, 1, SampleFormat.Pcm16))
            writer.Write([0.5f]);
        var bytes = File.ReadAllBytes(path);
        if (problem.StartsWith("not"))
            bytes[0] = (byte)'X';
        else if (problem.StartsWith("format"))
            bytes[20] = 85; // MPEG Layer 3
        else
            bytes = bytes[..36];
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<DataFormatException>(() => WavFile.Read(path));
        Assert.Contains(problem, error.Message);
        Assert.Contains("bad.wav", error.Message);
    }
}
