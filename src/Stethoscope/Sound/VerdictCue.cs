namespace Stethoscope.Sound;

/// <summary>
/// The sound of a diagnosis verdict: two quick high beeps, <see cref="Frequency"/> Hz (E7), each
/// <see cref="BeepFrames"/> long (50 ms) with 5 ms raised-cosine edges, <see cref="GapFrames"/> (50 ms) apart, at
/// <see cref="Amplitude"/>. Nothing else in the sonification sounds like it: gradient tones last 10 ms, NaN bursts are
/// noise. It is mixed over the step sound from the first frame of the step the verdict fired at, without adding
/// frames, so a time in the sound still points at one step.
/// </summary>
public static class VerdictCue
{
    public const double Frequency = 2637.02;
    public const float Amplitude = 0.25f;
    public const int BeepFrames = SoundMapping.SampleRate / 20;
    public const int GapFrames = SoundMapping.SampleRate / 20;
    public const int EdgeFrames = SoundMapping.SampleRate / 200;

    /// <summary>The whole cue: beep, gap, beep (150 ms).</summary>
    public const int Frames = 2 * BeepFrames + GapFrames;

    /// <summary>Frame <paramref name="n"/> of the cue (0 outside it and in the gap).</summary>
    public static float Sample(int n)
    {
        var inBeep = n < BeepFrames ? n : n - BeepFrames - GapFrames;
        if (n < 0 || n >= Frames || inBeep < 0 || inBeep >= BeepFrames)
            return 0;
        var edge = Math.Min(inBeep, BeepFrames - 1 - inBeep);
        var envelope = edge >= EdgeFrames ? 1.0 : 0.5 - 0.5 * Math.Cos(Math.PI * edge / EdgeFrames);
        return (float)(Amplitude * envelope * Math.Sin(2 * Math.PI * Frequency * inBeep / SoundMapping.SampleRate));
    }
}
