using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

/// <summary>
/// The samples a run's PCM16 sound must decode to, sample for sample: each step's recorded norms and loss (from
/// metrics.csv) through the mapping, then the PCM16 round trip, clamped to [-1, 1], scaled by 32767, rounded half
/// away from zero and divided by 32767 again. A finiteness check on decoded PCM16 could never fail; this one fails on
/// any sample that the mapping's maths does not give.
/// </summary>
static class ExpectedSound
{
    public static float[] Pcm16Samples(RunFolder run, MappingKind kind, bool lossTrack = false)
    {
        var metrics = MetricsCsv.Open(run.MetricsCsv);
        var norms = metrics.ColumnsStartingWith(GradientNormProbe.Prefix).Select(metrics.IndexOf).ToArray();
        var loss = metrics.IndexOf("loss");
        var mapping = SoundMapping.Create(kind, norms.Length, lossTrack);
        var samples = new List<float>();
        foreach (var row in metrics.Rows())
        {
            var rendered = mapping.Render(row.Step, [.. norms.Select(i => row.Values[i])], row.Values[loss]);
            foreach (var sample in rendered)
                samples.Add((short)Math.Round(Math.Clamp(sample, -1f, 1f) * 32767.0, MidpointRounding.AwayFromZero) / 32767f);
        }
        return [.. samples];
    }
}
