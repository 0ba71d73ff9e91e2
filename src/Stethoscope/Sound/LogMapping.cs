namespace Stethoscope.Sound;

/// <summary>
/// A mapping for a human ear, in stereo. Pitch follows the logarithm of the norm: 1e-4 → 110 Hz (A2) up to
/// 1e4 → 1760 Hz (A6), half an octave per decade, clamped at both ends so norms from 1e-8 to 1e8 (and beyond) stay
/// audible and far below Nyquist. Each layer has its own place and colour: layers are panned from left (the first)
/// to right (the last) with equal-power panning, and layer i (from 0) sounds harmonics 1…(1 + i mod 4) with
/// amplitudes 1/k, so early layers are pure and later ones brighter. Tones fade in and out over 2 ms so they do not
/// click. With the loss track, the gap after each step holds a soft centred tone from 55 Hz (loss 1e-3) to 220 Hz
/// (loss 10), logarithmic too. A NaN or infinite norm (or loss) is a noise burst in both ears.
/// </summary>
public sealed class LogMapping(int layers, bool lossTrack = false) : SoundMapping(layers, ChannelsOf(MappingKind.Log))
{
    public const double MinNorm = 1e-4;
    public const double MaxNorm = 1e4;
    public const double MinFrequency = 110;
    public const double MaxFrequency = 1760;
    public const float Amplitude = 0.2f;
    public const int FadeFrames = 88;

    const float LossAmplitude = 0.1f;

    public bool LossTrack => lossTrack;

    public override MappingKind Kind => MappingKind.Log;

    protected override float NoiseAmplitude => Amplitude;

    /// <summary>The pitch of a finite norm; zero and negative norms take the lowest pitch.</summary>
    public static double Frequency(double norm) => LogScale(norm, MinNorm, MaxNorm, MinFrequency, MaxFrequency);

    /// <summary>The pitch of the loss track for a finite loss.</summary>
    public static double LossFrequency(double loss) => LogScale(loss, 1e-3, 10, 55, 220);

    /// <summary>The left and right gains of a layer: equal power, first layer left, last layer right.</summary>
    public (float Left, float Right) Pan(int layer)
    {
        var position = Layers == 1 ? 0.5 : (double)layer / (Layers - 1);
        return ((float)Math.Cos(position * Math.PI / 2), (float)Math.Sin(position * Math.PI / 2));
    }

    /// <summary>How many harmonics layer <paramref name="layer"/> sounds.</summary>
    public static int Harmonics(int layer) => 1 + layer % 4;

    protected override void RenderTone(int layer, float norm, Span<float> slot)
    {
        var (left, right) = Pan(layer);
        var harmonics = Harmonics(layer);
        var frequency = Frequency(norm);
        var total = Enumerable.Range(1, harmonics).Sum(k => 1.0 / k);
        for (var n = 0; n < ToneFrames; n++)
        {
            var phase = 2 * Math.PI * frequency * n / SampleRate;
            var wave = 0.0;
            for (var k = 1; k <= harmonics; k++)
                wave += Math.Sin(k * phase) / k;
            var sample = (float)(Amplitude * Envelope(n, ToneFrames) * wave / total);
            slot[2 * n] = left * sample;
            slot[2 * n + 1] = right * sample;
        }
    }

    protected override void RenderGap(long step, float loss, Span<float> gap)
    {
        if (!lossTrack)
            return;
        if (!float.IsFinite(loss))
        {
            NoiseBurst.Fill(gap[..(2 * ToneFrames)], 2, LossAmplitude, NoiseBurst.Seed(step, Layers));
            return;
        }
        var frequency = LossFrequency(loss);
        var frames = gap.Length / 2;
        for (var n = 0; n < frames; n++)
        {
            var sample = (float)(LossAmplitude * Envelope(n, frames) * Math.Sin(2 * Math.PI * frequency * n / SampleRate));
            gap[2 * n] = gap[2 * n + 1] = sample;
        }
    }

    /// <summary>A raised-cosine fade over the first and last <see cref="FadeFrames"/> frames, 1 in between.</summary>
    static double Envelope(int n, int length)
    {
        var edge = Math.Min(n, length - 1 - n);
        return edge >= FadeFrames ? 1 : 0.5 - 0.5 * Math.Cos(Math.PI * edge / FadeFrames);
    }

    static double LogScale(double value, double low, double high, double lowFrequency, double highFrequency)
    {
        var position = value <= low ? 0 : value >= high ? 1 : Math.Log(value / low) / Math.Log(high / low);
        return lowFrequency * Math.Pow(highFrequency / lowFrequency, position);
    }
}
