using Stethoscope.Data;
using Stethoscope.Diagnosis;
using Stethoscope.Models;
using Stethoscope.Report;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Tests.Runs;
using Stethoscope.Tests.Sound;
using Stethoscope.Training;

namespace Stethoscope.Tests.Diagnosis;

/// <summary>A real run whose learning rate (1e30) makes it diverge at once, recorded as <c>train</c> records it (once for all the tests).</summary>
public sealed class DivergedRun : IDisposable
{
    public DivergedRun()
    {
        using var data = SyntheticBars.Create(64, 32, seed: 1);
        using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, data.Train.Classes), 0);
        Run = RunFolder.Create(Temp["run"]);
        var parts = RunWatch.Parts(Run, new RunWatchOptions("synthetic:64", DistributionsEvery: 2, Sound: new SoundSettings(Run.GradientSound, WindowSteps: 4), OnVerdict: Fired.Add));
        var options = new TrainingOptions { LearningRate = 1e30, BatchSize = 16, MaxSteps = 8, Epochs = null, OnDivergence = DivergencePolicy.Continue, Device = DeviceChoice.Cpu };
        try
        {
            Result = new Trainer(model, data, options, parts.Probes, parts.Observers).Run();
        }
        finally
        {
            foreach (var part in parts.Owned)
                part.Dispose();
        }
    }

    public TempDirectory Temp { get; } = new();

    public RunFolder Run { get; }

    public TrainingResult Result { get; }

    public List<Verdict> Fired { get; } = [];

    public void Dispose() => Temp.Dispose();
}

public sealed class LiveDiagnosisTests(DivergedRun diverged) : IClassFixture<DivergedRun>
{
    const int FramesPerStep = 4 * 441 + 882;

    readonly TempDirectory temp = diverged.Temp;
    readonly RunFolder run = diverged.Run;
    readonly TrainingResult result = diverged.Result;
    readonly List<Verdict> fired = diverged.Fired;

    [Fact]
    public void The_verdict_fires_live_at_the_first_non_finite_step_and_lands_in_diagnosis_json_and_run_json()
    {
        Assert.Equal(RunStatus.Diverged, result.Status);
        var verdict = Assert.Single(fired);
        Assert.Equal(("diverged", result.FirstNonFiniteStep!.Value), (verdict.Rule, verdict.FirstStep));
        var written = DiagnosisFile.Read(DiagnosisFile.PathIn(run));
        // The file holds the live verdict, named after the module where the replay found the first NaN/inf.
        Assert.Equal(DiagnosisFile.Text(RunDiagnosis.WithOrigin([verdict], run)), DiagnosisFile.Text(written));
        Assert.NotNull(RunManifest.Read(run.RunJson).NonFiniteOrigin);
        var listed = Assert.Single(RunManifest.Read(run.RunJson).Verdicts!);
        Assert.Equal(new VerdictEntry("diverged", verdict.FirstStep), listed);
    }

    [Fact]
    public void The_replay_of_the_run_folder_gives_exactly_the_live_verdicts()
    {
        var replayed = RunDiagnosis.Of(run);
        Assert.Equal(result.Steps, replayed.Steps);
        Assert.Equal(File.ReadAllText(DiagnosisFile.PathIn(run)), DiagnosisFile.Text(replayed.Verdicts));
    }

    [Fact]
    public void TensorBoard_gets_the_verdict_as_text_at_its_step()
    {
        var file = Assert.Single(Directory.GetFiles(run.TensorBoard, "events.out.tfevents.*"));
        var texts = EventFileReader.Read(file).Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Where(v => v.Metadata?.PluginData?.PluginName == "text").Select(v => (e.Step, v))).ToList();
        var (step, value) = Assert.Single(texts);
        Assert.Equal(fired[0].DetectedStep, step);
        Assert.Equal("diagnosis/text_summary", value.Tag);
        Assert.StartsWith("**Training diverged**", value.Tensor.StringVal[0].ToStringUtf8());
    }

    [Fact]
    public void The_sound_has_the_cue_at_the_verdict_s_step_and_sonify_renders_the_same_samples()
    {
        var wav = WavFile.Read(run.GradientSound);
        Assert.Equal(result.Steps * FramesPerStep, wav.Frames);
        var at = (int)(fired[0].DetectedStep - 1) * FramesPerStep;
        // Where the cue plays, the recorded sound is the plain step sound plus the cue (within PCM16's rounding).
        var plain = ExpectedSound.Pcm16Samples(run, MappingKind.Seed);
        var difference = wav.Samples.AsSpan(at, VerdictCue.Frames).ToArray().Select((s, i) => s - plain[at + i]).ToArray();
        Assert.All(difference.Select((d, i) => Math.Abs(d - VerdictCue.Sample(i))), e => Assert.True(e < 2e-4, $"off by {e}"));
        Assert.Equal(plain.AsSpan(0, at).ToArray(), wav.Samples.AsSpan(0, at).ToArray());
        Assert.True(VerdictCueTests.Tone(difference.AsSpan(0, VerdictCue.BeepFrames), VerdictCue.Frequency) > 0.2);
        RunSonifier.Render(run, temp["again.wav"]);
        Assert.Equal(wav.Samples, WavFile.Read(temp["again.wav"]).Samples);
    }

    [Fact]
    public void The_report_opens_with_the_diagnosis_and_its_evidence_figure()
    {
        var html = File.ReadAllText(RunReport.Write(run));
        var section = html.IndexOf("<h2>Diagnosis</h2>", StringComparison.Ordinal);
        Assert.InRange(section, 0, html.IndexOf("class=\"config\"", StringComparison.Ordinal));
        Assert.Contains("Training diverged", html[section..]);
        Assert.Contains("src=\"figures/diagnosis-diverged.png\"", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "diagnosis-diverged\\.png\""));
        using var figure = SkiaSharp.SKBitmap.Decode(Path.Combine(run.Figures, "diagnosis-diverged.png"));
        Assert.Equal((1000, 340), (figure.Width, figure.Height));
    }
}
