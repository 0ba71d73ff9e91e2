using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

public class SeedMappingTests
{
    /// <summary>Counts sign changes from negative to positive or back; a tone of f Hz over N samples has about 2fN/44100.</summary>
    internal static int ZeroCrossings(ReadOnlySpan<float> samples)
    {
        var count = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
                count++;
        }
        return count;
    }

    // Float32 bit patterns produced by the seed's own NumPy code (numpy 1.24):
    //   f = np.float32(200.0 + norm * 100.0); 0.1 * np.sin(2*np.pi*np.arange(44100*0.01)*f/44100).astype(np.float32)
    [Theory]
    [InlineData(0.5f, 1, 996762130u)]
    [InlineData(0.5f, 7, 1019880647u)]
    [InlineData(0.5f, 100, 3173458398u)]
    [InlineData(1.2918468f, 1, 999923936u)]
    [InlineData(1.2918468f, 100, 3184312259u)]
    [InlineData(1.2918468f, 440, 1036519977u)]
    [InlineData(37.25f, 7, 3180265400u)]
    [InlineData(37.25f, 440, 1034787415u)]
    public void Samples_match_the_seeds_numpy_code_bit_for_bit(float norm, int n, uint bits)
    {
        var samples = new SeedMapping(layers: 1).Render(1, [norm], 2.3f);
        Assert.Equal(bits, BitConverter.SingleToUInt32Bits(samples[n]));
    }

    [Fact]
    public void A_step_is_one_tone_of_441_samples_per_layer_then_882_samples_of_silence()
    {
        float[] norms = [0.25f, 1.5f, 4f, 0f];
        var mapping = new SeedMapping(norms.Length);
        var samples = mapping.Render(7, norms, 0.5f).ToArray();
        Assert.Equal(4 * 441 + 882, samples.Length);
        for (var layer = 0; layer < norms.Length; layer++)
        {
            var frequency = 200.0 + 100.0 * norms[layer];
            var tone = samples.AsSpan(layer * 441, 441);
            // Independent of the mapping's code: the formula, evaluated here in double.
            for (var n = 0; n < 441; n++)
                Assert.Equal(0.1 * Math.Sin(2 * Math.PI * frequency * n / 44100), tone[n], 1e-6);
            Assert.Equal(0f, tone[0]); // the phase restarts at every tone
            Assert.InRange(ZeroCrossings(tone), 2 * frequency * 441 / 44100 - 2, 2 * frequency * 441 / 44100 + 2);
        }
        Assert.All(samples[(4 * 441)..], s => Assert.Equal(0f, s));
    }

    [Fact]
    public void Frequency_is_200_hz_plus_100_hz_per_unit_of_norm()
    {
        Assert.Equal(200f, SeedMapping.Frequency(0f));
        Assert.Equal(250f, SeedMapping.Frequency(0.5f));
        Assert.Equal(1200f, SeedMapping.Frequency(10f));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(1e38f)]
    public void A_non_finite_norm_or_frequency_is_a_noise_burst_never_nan(float norm)
    {
        var mapping = new SeedMapping(2);
        var samples = mapping.Render(3, [1f, norm], float.NaN).ToArray();
        Assert.All(samples, s => Assert.True(float.IsFinite(s)));
        var burst = samples.AsSpan(441, 441);
        Assert.All(burst.ToArray(), s => Assert.InRange(s, -0.1f, 0.1f));
        // White noise changes sign about every other sample; no tone of the seed's range comes close.
        Assert.True(ZeroCrossings(burst) > 150, $"{ZeroCrossings(burst)} zero crossings");
        var rms = Math.Sqrt(burst.ToArray().Average(s => (double)s * s));
        Assert.InRange(rms, 0.045, 0.07); // uniform noise of amplitude 0.1: 0.1/√3 ≈ 0.058
        Assert.Equal(samples, mapping.Render(3, [1f, norm], float.NaN).ToArray()); // re-rendering is identical
    }
}
