using System.Diagnostics;
using Stethoscope.Probes;
using Stethoscope.TensorBoard;
using Stethoscope.Training;

namespace Stethoscope.Sound;

/// <summary>What <see cref="SoundRecorder"/> writes and where.</summary>
/// <param name="WavPath">The streamed WAV (<c>sound/gradient-norms.wav</c> in a run folder).</param>
/// <param name="Mapping">How norms become sound.</param>
/// <param name="LossTrack">Adds the loss track (log mapping only).</param>
/// <param name="TensorBoardDirectory">Where audio summaries go, or null for none.</param>
/// <param name="WindowSteps">Steps per TensorBoard audio summary.</param>
public sealed record SoundSettings(
    string WavPath,
    MappingKind Mapping = MappingKind.Seed,
    bool LossTrack = false,
    string? TensorBoardDirectory = null,
    int WindowSteps = 200);

/// <summary>
/// Listens to training and turns each step's gradient norms (<see cref="GradientNormProbe"/>) into sound as it goes:
/// a PCM16 WAV streamed to disk and flushed every two seconds (valid after Ctrl-C or divergence), an audio summary
/// in TensorBoard for every window of steps, and optionally a <see cref="LivePlayer"/>. A diagnosis verdict
/// (<see cref="Cue"/>) is heard as <see cref="VerdictCue"/>'s two high beeps from the step it fired at. Memory stays
/// bounded by one window, whatever the length of the run.
/// </summary>
public sealed class SoundRecorder(SoundSettings settings, LivePlayer? player = null) : ITrainingObserver, IDisposable
{
    public const string AudioTag = "gradient_norms";

    /// <summary>The norm played for a layer with no gradient at a step (frozen, or unused by that forward): silence at
    /// the mapping's base, never the noise of a NaN.</summary>
    public const float MissingNorm = 0f;
    static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);

    readonly Stopwatch sinceFlush = Stopwatch.StartNew();
    SoundMapping? mapping;
    string[] normNames = [];
    float[] norms = [];
    WavWriter? wav;
    CueMix? cues;
    EventFileWriter? events;
    float[] window = [];
    int windowFill;
    int windowSteps;
    bool disposed;

    public void OnTrainingStart(TrainingStart start)
    {
        normNames = [.. start.Layers.Weighted.Select(l => GradientNormProbe.Prefix + l.Path)];
        norms = new float[normNames.Length];
        mapping = SoundMapping.Create(settings.Mapping, normNames.Length, settings.LossTrack);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.WavPath))!);
        wav = new WavWriter(settings.WavPath, SoundMapping.SampleRate, mapping.Channels, SampleFormat.Pcm16);
        cues = new CueMix(mapping.Channels);
        if (settings.TensorBoardDirectory is { } directory && settings.WindowSteps > 0)
        {
            events = new EventFileWriter(directory);
            window = new float[settings.WindowSteps * mapping.FramesPerStep * mapping.Channels];
        }
    }

    public void OnStep(StepRecord step)
    {
        if (mapping is null || wav is null || cues is null)
            return;
        for (var i = 0; i < normNames.Length; i++)
            norms[i] = step[normNames[i]] ?? MissingNorm;
        var samples = cues.Mix(mapping.Render(step.Step, norms, step.Loss));
        wav.Write(samples);
        player?.Enqueue(samples);
        AddToWindow(step.Step, samples);
        if (sinceFlush.Elapsed >= FlushInterval)
            Flush();
    }

    /// <summary>Plays the verdict cue from the next step rendered on: called when a verdict fires, before this
    /// recorder hears that step.</summary>
    public void Cue() => cues?.Start();

    public void OnTrainingEnd(TrainingResult result)
    {
        WriteWindow(result.Steps);
        Dispose();
    }

    /// <summary>Closes the WAV, the event file and the player. Called by <see cref="OnTrainingEnd"/> and again by the
    /// owner's <c>using</c>: only the first call does anything.</summary>
    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        wav?.Dispose();
        events?.Dispose();
        player?.Dispose();
        wav = null;
        events = null;
    }

    void AddToWindow(long step, ReadOnlySpan<float> samples)
    {
        if (events is null)
            return;
        samples.CopyTo(window.AsSpan(windowFill));
        windowFill += samples.Length;
        windowSteps++;
        if (windowSteps == settings.WindowSteps)
            WriteWindow(step);
    }

    void WriteWindow(long step)
    {
        if (events is null || mapping is null || windowFill == 0)
            return;
        using var bytes = new MemoryStream();
        using (var writer = new WavWriter(bytes, SoundMapping.SampleRate, mapping.Channels, SampleFormat.Pcm16))
            writer.Write(window.AsSpan(0, windowFill));
        events.WriteAudio(step, AudioTag, bytes.ToArray(), SoundMapping.SampleRate, mapping.Channels, windowFill / mapping.Channels);
        windowFill = windowSteps = 0;
    }

    void Flush()
    {
        wav?.Flush();
        events?.Flush();
        sinceFlush.Restart();
    }
}
