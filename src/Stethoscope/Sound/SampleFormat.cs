namespace Stethoscope.Sound;

/// <summary>How a WAV file stores its samples.</summary>
public enum SampleFormat
{
    /// <summary>16-bit signed integers (format tag 1): plays everywhere.</summary>
    Pcm16,

    /// <summary>32-bit IEEE floats (format tag 3): the samples exactly as computed.</summary>
    Float32,
}
