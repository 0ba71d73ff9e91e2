namespace Stethoscope.Sound;

/// <summary>The mappings from gradient norms to sound, by name (<c>seed</c>, <c>log</c>).</summary>
public enum MappingKind
{
    /// <summary>Seed 000's mapping, sample for sample: <see cref="SeedMapping"/>.</summary>
    Seed,

    /// <summary>Logarithmic pitch, a timbre and a stereo position per layer: <see cref="LogMapping"/>.</summary>
    Log,
}

/// <summary>
/// Turns one training step's per-layer gradient norms into a fixed number of audio frames. Every mapping keeps the
/// seed's rhythm: a tone of <see cref="ToneFrames"/> per layer in model order, then a gap of two tone lengths, so a
/// time in the sound always points at one step (step = 1 + frame / <see cref="FramesPerStep"/>). A mapping owns the
/// buffer it renders into; create one per sound being written.
/// </summary>
public abstract class SoundMapping
{
    public const int SampleRate = 44100;

    /// <summary>0.01 s at 44.1 kHz, the seed's tone length.</summary>
    public const int ToneFrames = 441;

    /// <summary>The silence after each step's tones: two tone lengths, as in the seed.</summary>
    public const int GapFrames = 2 * ToneFrames;

    readonly float[] buffer;

    protected SoundMapping(int layers, int channels)
    {
        if (layers < 1)
            throw new StethoscopeException("sonification needs at least one layer with a gradient norm");
        Layers = layers;
        Channels = channels;
        buffer = new float[FramesPerStep * channels];
    }

    public abstract MappingKind Kind { get; }

    public int Layers { get; }

    public int Channels { get; }

    public int FramesPerStep => Layers * ToneFrames + GapFrames;

    /// <summary>Channels of a mapping's sound: the seed's is mono, the log mapping stereo.</summary>
    public static int ChannelsOf(MappingKind kind) => kind == MappingKind.Log ? 2 : 1;

    public static SoundMapping Create(MappingKind kind, int layers, bool lossTrack = false) => kind switch
    {
        MappingKind.Log => new LogMapping(layers, lossTrack),
        _ => new SeedMapping(layers),
    };

    /// <summary>
    /// The interleaved samples of one step. <paramref name="norms"/> holds one norm per layer in model order; a NaN
    /// or infinite norm gives a noise burst instead of a tone. The span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Render(long step, ReadOnlySpan<float> norms, float loss)
    {
        if (norms.Length != Layers)
            throw new ArgumentException($"expected {Layers} norms, got {norms.Length}");
        Array.Clear(buffer);
        for (var layer = 0; layer < Layers; layer++)
        {
            var slot = buffer.AsSpan(layer * ToneFrames * Channels, ToneFrames * Channels);
            if (float.IsFinite(norms[layer]))
                RenderTone(layer, norms[layer], slot);
            else
                NoiseBurst.Fill(slot, Channels, NoiseAmplitude, NoiseBurst.Seed(step, layer));
        }
        RenderGap(step, loss, buffer.AsSpan(Layers * ToneFrames * Channels));
        return buffer;
    }

    /// <summary>How loud the burst that stands for a non-finite norm is: the loudness of a tone.</summary>
    protected abstract float NoiseAmplitude { get; }

    /// <summary>Writes the tone of one layer's finite norm into its slot (interleaved, already silent).</summary>
    protected abstract void RenderTone(int layer, float norm, Span<float> slot);

    /// <summary>Writes into the gap after the tones; silent unless the mapping has a loss track.</summary>
    protected virtual void RenderGap(long step, float loss, Span<float> gap) { }
}
