using Stethoscope.Diagnosis;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Training;

namespace Stethoscope.Sound;

/// <summary>What a re-rendering produced.</summary>
public sealed record SonificationSummary(string Path, long Steps, IReadOnlyList<string> Layers, long NonFiniteNorms, TimeSpan Duration);

/// <summary>
/// Renders a finished (or running) run's sound again from its metrics.csv, without retraining: any mapping, either
/// sample format, with <see cref="VerdictCue"/> at every verdict of diagnosis.json, from the step it fired at (as the
/// recorder played it live). The file appears only when complete (written under a temporary name, then renamed).
/// </summary>
public static class RunSonifier
{
    public static SonificationSummary Render(RunFolder run, string outPath, MappingKind kind = MappingKind.Seed, SampleFormat format = SampleFormat.Pcm16, bool lossTrack = false)
    {
        var metrics = MetricsCsv.Open(run.MetricsCsv);
        var normColumns = metrics.ColumnsStartingWith(GradientNormProbe.Prefix);
        if (normColumns.Count == 0)
            throw new StethoscopeException($"{run.MetricsCsv} has no {GradientNormProbe.Prefix}<layer> columns to sonify");
        var indices = normColumns.Select(metrics.IndexOf).ToArray();
        var lossIndex = metrics.IndexOf(TrainingWatcher.LossName);
        var mapping = SoundMapping.Create(kind, indices.Length, lossTrack);
        var norms = new float[indices.Length];
        var cueSteps = DiagnosisFile.Read(DiagnosisFile.PathIn(run)).Select(v => v.DetectedStep).ToHashSet();
        var cues = new CueMix(mapping.Channels);
        long steps = 0, nonFinite = 0, frames = 0;
        AtomicFile.PrepareFolderFor(outPath);
        AtomicFile.Write(outPath, temporary =>
        {
            using var wav = new WavWriter(temporary, SoundMapping.SampleRate, mapping.Channels, format);
            foreach (var row in metrics.Rows(empty: SoundRecorder.MissingNorm))
            {
                for (var i = 0; i < indices.Length; i++)
                    norms[i] = row.Values[indices[i]];
                nonFinite += norms.Count(n => !float.IsFinite(n));
                if (cueSteps.Contains(row.Step))
                    cues.Start();
                wav.Write(cues.Mix(mapping.Render(row.Step, norms, lossIndex >= 0 ? row.Values[lossIndex] : float.NaN)));
                steps++;
            }
            frames = wav.Frames;
        });
        var layers = normColumns.Select(c => c[GradientNormProbe.Prefix.Length..]).ToArray();
        return new SonificationSummary(outPath, steps, layers, nonFinite, TimeSpan.FromSeconds((double)frames / SoundMapping.SampleRate));
    }
}
