using Stethoscope.Data;
using Stethoscope.Diagnosis;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope;

/// <summary>What a watched run records besides loss, accuracy and gradient norms.</summary>
/// <param name="Data">The data's name in run.json (<c>train</c> writes its <c>--data</c> here).</param>
/// <param name="Input">The input shape; null: taken from the first batch through the model's <c>call()</c>.</param>
/// <param name="Normalization">How inputs were normalised, so <c>activations</c> can show an image file; null: none.</param>
/// <param name="DistributionsEvery">Weight and gradient distributions every N steps (0: never).</param>
/// <param name="Sound">The gradient sound, or null for none.</param>
/// <param name="Player">A live player for the sound (see <see cref="LivePlayer.TryStart"/>), or null.</param>
/// <param name="FilterImages">The first convolution's filter grid in TensorBoard and <c>figures/</c> every 500 steps.</param>
/// <param name="ActivationsEvery">Activation statistics (<see cref="ActivationStatisticsProbe"/>) every N steps (0: never).</param>
/// <param name="Loss">The loop's loss of an output and its targets, so a non-finite step can be followed backward
/// through every module (<see cref="NonFiniteReplay"/>); null: through the parameters' gradients only.</param>
/// <param name="OnVerdict">Called with each diagnosis verdict at the step it first fires (to print it in a loop's log), or null.</param>
public sealed record RunWatchOptions(
    string Data = "custom",
    InputShape? Input = null,
    Normalization? Normalization = null,
    int DistributionsEvery = DistributionProbe.DefaultEvery,
    SoundSettings? Sound = null,
    LivePlayer? Player = null,
    bool FilterImages = true,
    int ActivationsEvery = ActivationStatisticsProbe.DefaultEvery,
    Func<Tensor, Tensor, Tensor>? Loss = null,
    Action<Verdict>? OnVerdict = null);

/// <summary>
/// Stethoscope in anyone's training loop, as short as <c>wandb.watch(model)</c>: <see cref="Start"/> attaches a
/// <see cref="TrainingWatcher"/> to a model and a new run folder with every standard probe and recorder, so the
/// folder is the one <c>stethoscope train</c> writes and <c>plot</c>, <c>report</c>, <c>sonify</c>, <c>compare</c>
/// and <c>dashboard</c> read it unchanged; the run is diagnosed as it goes (diagnosis.json, run.json's verdicts,
/// TensorBoard text, the sound's cue). <c>train</c> itself assembles its run with <see cref="Parts"/>.
/// </summary>
public static class RunWatch
{
    /// <summary>Creates <paramref name="folder"/> (refusing one that holds a run) and watches <paramref name="model"/> into it.
    /// Call <c>Step(loss, output, targets, optimizer)</c> after <c>backward()</c>, <c>Evaluation</c> after evaluating,
    /// and <c>Finish()</c> at the end; disposing the watcher without finishing records the run as interrupted.</summary>
    public static TrainingWatcher Start(nn.Module<Tensor, Tensor> model, string folder, RunWatchOptions? options = null)
    {
        options ??= new RunWatchOptions();
        CpuKernels.EnsureConfigured(); // before the loop's first forward, so that oneDNN starts with the kernel choice
        var run = RunFolder.Create(folder);
        var parts = Parts(run, options);
        return new TrainingWatcher(model, parts.Probes, parts.Observers, new WatchSettings(DataName: options.Data, Input: options.Input, Normalization: options.Normalization, Loss: options.Loss), parts.Owned);
    }

    /// <summary>The probes and observers of a recorded run, and what must be disposed with it.</summary>
    public static RunParts Parts(RunFolder run, RunWatchOptions options)
    {
        List<IDisposable> owned = [];
        var recorder = Own(owned, new RunRecorder(run, options.Data));
        // After the recorder, before the sound: a verdict is heard at the step it fires at.
        var diagnosis = new DiagnosisRecorder(run);
        diagnosis.VerdictFired += v => recorder.RecordVerdict(v.Rule, v.FirstStep, v.DetectedStep, v.Markdown);
        if (options.OnVerdict is { } onVerdict)
            diagnosis.VerdictFired += onVerdict;
        List<ITrainingObserver> observers = [recorder, diagnosis];
        if (options.FilterImages)
            observers.Add(Own(owned, new FilterImageRecorder(run.TensorBoardFilters, run.Figures)));
        if (options.Sound is { } sound)
        {
            var sounds = Own(owned, new SoundRecorder(sound, options.Player));
            diagnosis.VerdictFired += _ => sounds.Cue();
            observers.Add(sounds);
        }
        List<IProbe> probes = [.. Trainer.StandardProbes];
        if (options.DistributionsEvery > 0)
            probes.Add(Own(owned, new DistributionProbe(options.DistributionsEvery)));
        if (options.ActivationsEvery > 0)
            probes.Add(Own(owned, new ActivationStatisticsProbe(options.ActivationsEvery)));
        return new RunParts(probes, observers, owned, diagnosis);
    }

    static T Own<T>(List<IDisposable> owned, T part)
        where T : IDisposable
    {
        owned.Add(part);
        return part;
    }
}

/// <summary>The probes and observers that record a run, the parts to dispose when it ends, and its live diagnosis
/// (whose <see cref="DiagnosisRecorder.VerdictFired"/> a console can listen to).</summary>
public sealed record RunParts(IReadOnlyList<IProbe> Probes, IReadOnlyList<ITrainingObserver> Observers, IReadOnlyList<IDisposable> Owned, DiagnosisRecorder Diagnosis);
