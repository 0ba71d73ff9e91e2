using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Tests.Runs;
using Stethoscope.Training;

namespace Stethoscope.Tests.Sound;

public class SoundRecorderTests
{
    const int FramesPerStep = 4 * 441 + 882;

    static (TrainingResult Result, RunFolder Run) Train(TempDirectory temp, TrainingOptions options, SoundSettings? sound = null, Action<StepRecord>? after = null, CancellationTokenSource? cancel = null)
    {
        using var data = SyntheticBars.Create(64, 32, seed: 1);
        using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, data.Train.Classes), 0);
        var run = RunFolder.Create(temp["run"]);
        using var recorder = new RunRecorder(run, "synthetic:64");
        using var sounds = new SoundRecorder(sound ?? new SoundSettings(run.GradientSound, TensorBoardDirectory: run.TensorBoardSound, WindowSteps: 4));
        var observers = new List<ITrainingObserver> { recorder, sounds };
        if (after is not null)
            observers.Add(new AfterStep(after));
        var result = new Trainer(model, data, options, Trainer.StandardProbes, observers).Run(cancel?.Token ?? default);
        return (result, run);
    }

    sealed class AfterStep(Action<StepRecord> action) : ITrainingObserver
    {
        public void OnStep(StepRecord step) => action(step);
    }

    [Fact]
    public void Training_streams_the_seed_mapping_of_every_steps_norms()
    {
        using var temp = new TempDirectory();
        var (result, run) = Train(temp, new TrainingOptions { BatchSize = 16, MaxSteps = 10, Epochs = null, Device = DeviceChoice.Cpu });
        var wav = WavFile.Read(run.GradientSound);
        Assert.Equal((44100, 1, SampleFormat.Pcm16), (wav.SampleRate, wav.Channels, wav.Format));
        Assert.Equal(result.Steps * FramesPerStep, wav.Frames);
        // The sound and metrics.csv tell the same story: re-render step 10 from the CSV and compare.
        var metrics = MetricsCsv.Open(run.MetricsCsv);
        var last = metrics.Rows().Last();
        var norms = metrics.ColumnsStartingWith("grad_norm/").Select(c => last.Values[metrics.IndexOf(c)]).ToArray();
        var expected = new SeedMapping(4).Render(10, norms, 0).ToArray();
        var recorded = wav.Samples.AsSpan(9 * FramesPerStep, FramesPerStep).ToArray();
        Assert.All(expected.Zip(recorded), p => Assert.Equal(WavWriter.ToPcm16(p.First) / 32767f, p.Second));
    }

    [Fact]
    public void Every_window_of_steps_becomes_an_audio_summary_in_tensorboard()
    {
        using var temp = new TempDirectory();
        var (_, run) = Train(temp, new TrainingOptions { BatchSize = 16, MaxSteps = 10, Epochs = null, Device = DeviceChoice.Cpu });
        var file = Assert.Single(Directory.GetFiles(run.TensorBoardSound, "events.out.tfevents.*"));
        var audio = EventFileReader.Read(file).Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v))).ToList();
        Assert.Equal([4L, 8L, 10L], audio.Select(a => a.Step)); // windows of 4 steps, then the last 2
        Assert.All(audio, a => Assert.Equal(SoundRecorder.AudioTag, a.v.Tag));
        var first = audio[0].v.Audio;
        Assert.Equal(("audio/wav", 44100f, 1L, 4L * FramesPerStep), (first.ContentType, first.SampleRate, first.NumChannels, first.LengthFrames));
        Assert.Equal(4 * FramesPerStep, WavFile.Parse(first.EncodedAudioString.ToByteArray(), "summary").Frames);
        Assert.Equal(2 * FramesPerStep, WavFile.Parse(audio[2].v.Audio.EncodedAudioString.ToByteArray(), "summary").Frames);
    }

    [Fact]
    public void An_interrupted_run_leaves_a_valid_wav_of_the_steps_taken()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        var (result, run) = Train(temp, new TrainingOptions { BatchSize = 16, MaxSteps = 100, Epochs = null, Device = DeviceChoice.Cpu },
            after: step => { if (step.Step == 3) cancel.Cancel(); }, cancel: cancel);
        Assert.Equal(RunStatus.Interrupted, result.Status);
        Assert.Equal(3 * FramesPerStep, WavFile.Read(run.GradientSound).Frames);
    }

    [Fact]
    public void A_diverging_run_sounds_its_nan_steps_as_noise_and_the_wav_stays_valid()
    {
        using var temp = new TempDirectory();
        var (result, run) = Train(temp, new TrainingOptions { LearningRate = 1e30, BatchSize = 16, MaxSteps = 6, Epochs = null, OnDivergence = DivergencePolicy.Continue, Device = DeviceChoice.Cpu },
            new SoundSettings(temp["log.wav"], MappingKind.Log, LossTrack: true));
        Assert.Equal(RunStatus.Diverged, result.Status);
        var wav = WavFile.Read(temp["log.wav"]);
        Assert.Equal((2, 6L * FramesPerStep), (wav.Channels, wav.Frames));
        Assert.Equal(ExpectedSound.Pcm16Samples(run, MappingKind.Log, lossTrack: true), wav.Samples);
        var lastStep = wav.Samples.AsSpan(5 * FramesPerStep * 2, 441 * 2).ToArray();
        Assert.True(SeedMappingTests.ZeroCrossings(lastStep.Where((_, i) => i % 2 == 0).ToArray()) > 150, "the NaN step should be noise");
    }
}
