namespace Stethoscope.Sound;

/// <summary>
/// Lays the <see cref="VerdictCue"/> over a stream of step sounds: <see cref="Start"/> before a step's samples are mixed
/// starts the cue at that step's first frame (again from the start if one is still playing); <see cref="Mix"/> adds
/// what of it falls into the step, clamped to [-1, 1], and returns the step untouched when no cue plays. The live
/// recorder and the offline sonifier share it, so both sounds are the same sample for sample.
/// </summary>
public sealed class CueMix(int channels)
{
    float[] mixed = [];
    int position = VerdictCue.Frames;

    public void Start() => position = 0;

    /// <summary>The step's interleaved samples with the cue added; valid until the next call.</summary>
    public ReadOnlySpan<float> Mix(ReadOnlySpan<float> step)
    {
        if (position >= VerdictCue.Frames)
            return step;
        if (mixed.Length < step.Length)
            mixed = new float[step.Length];
        var output = mixed.AsSpan(0, step.Length);
        step.CopyTo(output);
        for (var frame = 0; frame < step.Length / channels && position < VerdictCue.Frames; frame++, position++)
        {
            var cue = VerdictCue.Sample(position);
            for (var c = 0; c < channels; c++)
                output[frame * channels + c] = Math.Clamp(output[frame * channels + c] + cue, -1f, 1f);
        }
        return output;
    }
}
