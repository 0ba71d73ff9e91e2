using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

public class VerdictCueTests
{
    /// <summary>The amplitude of <paramref name="frequency"/> in <paramref name="samples"/> (a single-bin DFT), 0…peak.</summary>
    internal static double Tone(ReadOnlySpan<float> samples, double frequency)
    {
        double re = 0, im = 0;
        for (var n = 0; n < samples.Length; n++)
        {
            var phase = 2 * Math.PI * frequency * n / SoundMapping.SampleRate;
            re += samples[n] * Math.Cos(phase);
            im += samples[n] * Math.Sin(phase);
        }
        return 2 * Math.Sqrt(re * re + im * im) / samples.Length;
    }

    static float[] Cue() => [.. Enumerable.Range(0, VerdictCue.Frames).Select(VerdictCue.Sample)];

    [Fact]
    public void Two_50_ms_beeps_at_2637_hz_with_50_ms_of_silence_between()
    {
        var cue = Cue();
        Assert.Equal(6615, cue.Length); // 150 ms at 44.1 kHz
        var (first, gap, second) = (cue[..2205], cue[2205..4410], cue[4410..]);
        Assert.All(gap, s => Assert.Equal(0f, s));
        foreach (var beep in new[] { first, second })
        {
            Assert.InRange(beep.Max(Math.Abs), 0.245f, 0.25f);
            Assert.InRange(Tone(beep, 2637.02), 0.215, 0.235);        // 0.25 less the 5 ms edges (mean envelope 0.9)
            Assert.True(Tone(beep, 1318.5) < 0.01 && Tone(beep, 880) < 0.01, "a pure tone: nothing an octave or more below");
            Assert.Equal(0f, beep[0]);                                // raised-cosine edges: no click
            Assert.True(Math.Abs(beep[^1]) < 0.01f);
        }
        Assert.Equal(0f, VerdictCue.Sample(-1));
        Assert.Equal(0f, VerdictCue.Sample(VerdictCue.Frames));
    }

    [Fact]
    public void The_mix_starts_at_a_step_s_first_frame_adds_no_frames_and_clamps()
    {
        const int frames = 2646; // one step of the seed network's sound
        var mix = new CueMix(channels: 1);
        var silence = new float[frames];
        Assert.True(mix.Mix(silence).ToArray().All(s => s == 0), "no cue before Start");
        mix.Start();
        var heard = new List<float>();
        for (var step = 0; step < 4; step++)
        {
            var mixed = mix.Mix(silence);
            Assert.Equal(frames, mixed.Length);
            heard.AddRange(mixed.ToArray());
        }
        Assert.Equal(Cue(), heard.Take(VerdictCue.Frames));
        Assert.All(heard.Skip(VerdictCue.Frames), s => Assert.Equal(0f, s));
        mix.Start();
        var loud = Enumerable.Repeat(0.9f, frames).ToArray();
        Assert.Equal(1f, mix.Mix(loud).ToArray().Max());
    }

    [Fact]
    public void Stereo_gets_the_cue_in_both_channels()
    {
        var mix = new CueMix(channels: 2);
        mix.Start();
        var mixed = mix.Mix(new float[2 * 3000]).ToArray();
        for (var frame = 0; frame < 3000; frame++)
            Assert.Equal(VerdictCue.Sample(frame), mixed[2 * frame + 1]);
        Assert.Equal(mixed.Where((_, i) => i % 2 == 0), mixed.Where((_, i) => i % 2 == 1));
    }
}
