using System.Text.Json;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;

namespace Stethoscope.Charts;

/// <summary>
/// The names and numbers the browser charts share with the C# that writes run folders — metric columns, the sound's
/// rhythm and mappings, TensorBoard's distribution percentiles — as one JSON object made from the C# constants.
/// The dashboard serves it and the report embeds it, so <c>chart.js</c> holds no copy of any of them.
/// </summary>
public static class ChartVocabulary
{
    public const string Loss = TrainingWatcher.LossName;
    public const string TestLoss = RunRecorder.TestLossColumn;
    public const string TestAccuracy = RunRecorder.TestAccuracyColumn;

    /// <summary>The prefix of a column name that asks the dashboard for that column smoothed.</summary>
    public const string SmoothedPrefix = "smooth:";

    /// <summary>TensorBoard's default smoothing weight for scalars.</summary>
    public const double DefaultSmoothing = 0.6;

    /// <summary>The rule of thumb for ‖Δw‖/‖w‖ (Karpathy, CS231n notes): around 1e-3.</summary>
    public const double UpdateRatioReference = 1e-3;

    /// <summary>The element id under which a page carries <see cref="Json"/>.</summary>
    public const string ElementId = "stethoscope-vocabulary";

    public static string Json { get; } = JsonSerializer.Serialize(new
    {
        columns = new { loss = Loss, accuracy = AccuracyProbe.Name, testLoss = TestLoss, testAccuracy = TestAccuracy, gradientNormPrefix = GradientNormProbe.Prefix, smoothedPrefix = SmoothedPrefix },
        defaultSmoothing = DefaultSmoothing,
        updateRatioReference = UpdateRatioReference,
        bandPercentiles = LayerDistribution.BandPercentiles,
        sound = new
        {
            sampleRate = SoundMapping.SampleRate,
            toneFrames = SoundMapping.ToneFrames,
            gapFrames = SoundMapping.GapFrames,
            mappings = Enum.GetNames<MappingKind>().Select(m => m.ToLowerInvariant()),
            // The seed's pitch is linear in the norm: its value at 0 and its slope, read from the mapping itself.
            seed = new { amplitude = SeedMapping.Amplitude, baseFrequency = SeedMapping.Frequency(0), hertzPerNorm = SeedMapping.Frequency(1) - SeedMapping.Frequency(0) },
            log = new { amplitude = LogMapping.Amplitude, minNorm = LogMapping.MinNorm, maxNorm = LogMapping.MaxNorm, minFrequency = LogMapping.MinFrequency, maxFrequency = LogMapping.MaxFrequency, fadeFrames = LogMapping.FadeFrames },
        },
    });

    /// <summary>The vocabulary as a page carries it inline: <c>&lt;script type="application/json" id="…"&gt;</c>.</summary>
    public static string ScriptElement => $"<script type=\"application/json\" id=\"{ElementId}\">{Json.Replace("</", "<\\/", StringComparison.Ordinal)}</script>";
}
