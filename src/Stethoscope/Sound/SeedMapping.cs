namespace Stethoscope.Sound;

/// <summary>
/// Seed 000's mapping, reproduced sample for sample: 44.1 kHz mono; per layer a tone of 441 samples
/// <c>0.1 * sin(2π f n / 44100)</c>, n = 0…440, with f = 200 Hz + 100 Hz × norm, the phase restarting at every tone;
/// then 882 samples of silence. The arithmetic follows the seed's NumPy code: f rounded to float32, the sine in
/// double, rounded to float32, then multiplied by 0.1 in float32. Norms above about 220 put f above Nyquist and
/// alias, as they did in the seed. A NaN or infinite norm is a noise burst (<see cref="NoiseBurst"/>).
/// </summary>
public sealed class SeedMapping(int layers) : SoundMapping(layers, ChannelsOf(MappingKind.Seed))
{
    public const float Amplitude = 0.1f;

    public override MappingKind Kind => MappingKind.Seed;

    protected override float NoiseAmplitude => Amplitude;

    /// <summary>The seed's tone frequency for a norm, rounded to float32 as NumPy's <c>astype(np.float32)</c> did.</summary>
    public static float Frequency(float norm) => (float)(200.0 + norm * 100.0);

    /// <summary>Sample <paramref name="n"/> of a tone, evaluated in the seed's order and precision.</summary>
    public static float Sample(float frequency, int n) => Amplitude * (float)Math.Sin(2 * Math.PI * n * frequency / SampleRate);

    protected override void RenderTone(int layer, float norm, Span<float> slot)
    {
        var frequency = Frequency(norm);
        if (!float.IsFinite(frequency))
        {
            NoiseBurst.Fill(slot, 1, Amplitude, NoiseBurst.Seed(layer, int.MaxValue));
            return;
        }
        for (var n = 0; n < slot.Length; n++)
            slot[n] = Sample(frequency, n);
    }
}
