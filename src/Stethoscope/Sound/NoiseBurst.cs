namespace Stethoscope.Sound;

/// <summary>
/// The sound of a NaN or infinite value: white noise at a tone's loudness for the tone's length. No tone is noisy,
/// so it cannot be mistaken for a norm; it is seeded by step and layer, so a re-rendering is identical.
/// </summary>
public static class NoiseBurst
{
    /// <summary>A non-zero xorshift seed from a step and a slot; fixed arithmetic, unlike the per-process HashCode.</summary>
    public static uint Seed(long step, int slot)
    {
        var x = unchecked((ulong)step * 0x9E3779B97F4A7C15UL + (ulong)slot * 0xBF58476D1CE4E5B9UL);
        x ^= x >> 31;
        return (uint)x | 1u;
    }

    /// <summary>Fills interleaved frames with uniform noise in [-amplitude, amplitude], the same in every channel.</summary>
    public static void Fill(Span<float> frames, int channels, float amplitude, uint seed)
    {
        var state = seed;
        for (var i = 0; i < frames.Length; i += channels)
        {
            // xorshift32: fast, and deterministic across runtimes (System.Random's sequence is not a contract).
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            var value = amplitude * (state / (float)uint.MaxValue * 2f - 1f);
            frames.Slice(i, channels).Fill(value);
        }
    }
}
