using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

public class LogMappingTests
{
    [Fact]
    public void Pitch_is_half_an_octave_per_decade_from_a2_to_a6()
    {
        Assert.Equal(110, LogMapping.Frequency(1e-4), 9);
        Assert.Equal(440, LogMapping.Frequency(1), 9);
        Assert.Equal(1760, LogMapping.Frequency(1e4), 9);
        Assert.Equal(440 * Math.Sqrt(2), LogMapping.Frequency(10), 9);
    }

    [Fact]
    public void Norms_from_1e_minus_8_to_1e8_stay_inside_the_range()
    {
        for (var exponent = -8.0; exponent <= 8; exponent += 0.25)
            Assert.InRange(LogMapping.Frequency(Math.Pow(10, exponent)), LogMapping.MinFrequency, LogMapping.MaxFrequency);
        Assert.Equal(LogMapping.MinFrequency, LogMapping.Frequency(0));
    }

    [Theory]
    [InlineData(1e-8, 110)]
    [InlineData(1.0, 440)]
    [InlineData(1e8, 1760)]
    public void The_first_layer_sounds_its_pitch_measured_from_the_samples(double norm, double hz)
    {
        var mapping = new LogMapping(layers: 1);
        var samples = mapping.Render(1, [(float)norm], 1f).ToArray();
        var left = Enumerable.Range(0, SoundMapping.ToneFrames).Select(n => samples[2 * n]).ToArray();
        var crossings = SeedMappingTests.ZeroCrossings(left);
        Assert.InRange(crossings, 2 * hz * 441 / 44100 - 2, 2 * hz * 441 / 44100 + 2);
    }

    [Fact]
    public void Layers_are_placed_left_to_right_and_tones_fade_in_and_out()
    {
        var mapping = new LogMapping(layers: 3);
        var samples = mapping.Render(1, [1f, 1f, 1f], 1f).ToArray();
        double Energy(int layer, int channel) =>
            Enumerable.Range(0, 441).Sum(n => Math.Pow(samples[2 * (layer * 441 + n) + channel], 2));
        Assert.Equal(0, Energy(0, 1), 9); // first layer: left only
        Assert.Equal(0, Energy(2, 0), 9); // last layer: right only
        Assert.Equal(Energy(1, 0), Energy(1, 1), 6); // the middle one in the centre
        for (var layer = 0; layer < 3; layer++)
        {
            var start = 2 * layer * 441;
            Assert.Equal(0f, samples[start]);
            Assert.Equal(0f, samples[start + 1]);
            Assert.True(Math.Abs(samples[start + 2 * 440]) < 1e-4 && Math.Abs(samples[start + 2 * 440 + 1]) < 1e-4);
        }
    }

    [Fact]
    public void The_loss_track_fills_the_gap_and_is_off_by_default()
    {
        var gapStart = 2 * 2 * SoundMapping.ToneFrames;
        Assert.All(new LogMapping(2).Render(1, [1f, 1f], 0.1f)[gapStart..].ToArray(), s => Assert.Equal(0f, s));
        var withLoss = new LogMapping(2, lossTrack: true).Render(1, [1f, 1f], 0.1f)[gapStart..].ToArray();
        var left = Enumerable.Range(0, withLoss.Length / 2).Select(n => withLoss[2 * n]).ToArray();
        var hz = LogMapping.LossFrequency(0.1); // 110 Hz: loss 0.1 is the middle of 1e-3..10
        Assert.Equal(110, hz, 9);
        Assert.InRange(SeedMappingTests.ZeroCrossings(left), 2 * hz * 882 / 44100 - 2, 2 * hz * 882 / 44100 + 2);
    }

    [Fact]
    public void Nan_norms_and_losses_give_finite_noise()
    {
        var samples = new LogMapping(2, lossTrack: true).Render(9, [float.NaN, float.PositiveInfinity], float.NaN).ToArray();
        Assert.All(samples, s => Assert.True(float.IsFinite(s)));
        Assert.True(SeedMappingTests.ZeroCrossings(Enumerable.Range(0, 441).Select(n => samples[2 * n]).ToArray()) > 150);
    }
}
