using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Dashboard;
using Stethoscope.Data;
using Stethoscope.Diagnosis;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope train</c>: trains a model with the standard probes and records a run folder.</summary>
public static class TrainCommand
{
    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT), as shells expect.</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// Everything <c>train</c> was asked to do; <paramref name="Sound"/> is null without <c>--sonify</c>.
    /// <paramref name="ProgressEvery"/>: how often a run without a terminal prints its progress line (null: every five seconds).
    /// </summary>
    public sealed record Settings(string Model, string Data, TrainingOptions Options, string? Out, string Runs, bool Quiet, SoundChoice? Sound = null, int DistributionsEvery = DistributionProbe.DefaultEvery, DashboardOptions? Dashboard = null, TimeSpan? ProgressEvery = null, int ActivationsEvery = ActivationStatisticsProbe.DefaultEvery, int? TrainSubset = null);

    /// <summary>How <c>--sonify</c> sounds: the mapping, the loss track, the TensorBoard window, live playing.</summary>
    public sealed record SoundChoice(MappingKind Mapping, bool LossTrack, int WindowSteps, bool Play);

    public static Command Create(Terminal terminal)
    {
        var defaults = new TrainingOptions();
        var model = new Option<string>("--model") { Description = "model name (see 'stethoscope models')", DefaultValueFactory = _ => "mnist-net" };
        var data = new Option<string>("--data") { Description = $"training data: {DataSource.Forms}", DefaultValueFactory = _ => "bundled" };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam or adamw", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw");
        var schedule = new Option<string>("--schedule") { Description = "learning rate: constant, step (divided by 10 every --step-every steps) or cosine (annealed to 0 over the run)", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "step", "cosine");
        var stepEvery = new Option<int>("--step-every") { Description = "with --schedule step: steps between divisions by 10", DefaultValueFactory = _ => defaults.StepEvery };
        var lr = new Option<double>("--lr") { Description = "learning rate (the seed's: 0.01)", DefaultValueFactory = _ => defaults.LearningRate };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum (the seed's: 0.5)", DefaultValueFactory = _ => defaults.Momentum };
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum for SGD" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 0 };
        var batchSize = new Option<int>("--batch-size") { Description = "images per step", DefaultValueFactory = _ => defaults.BatchSize };
        var epochs = new Option<int?>("--epochs") { Description = "passes over the training data (default 5, or unlimited when --max-steps is given)" };
        var maxSteps = new Option<long?>("--max-steps") { Description = "stop after this many steps" };
        var seed = new Option<long>("--seed") { Description = "seed for weights, data order and dropout", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var evalEvery = new Option<int?>("--eval-every") { Description = "also evaluate on the test split every N steps" };
        var onDivergence = new Option<string>("--on-divergence") { Description = "stop or continue when a loss or gradient is NaN/infinite", DefaultValueFactory = _ => "stop" };
        onDivergence.AcceptOnlyFromAmong("stop", "continue");
        var output = new Option<string?>("--out") { Description = "run folder to create (default: RUNS/<model>-<time>)" };
        var runs = new Option<string>("--runs") { Description = "folder that holds run folders", DefaultValueFactory = _ => "runs" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress; print only the run folder" };
        var sonify = new Option<bool>("--sonify") { Description = "write the gradient-norm sound to sound/gradient-norms.wav while training" };
        var mapping = SonifyCommand.MappingOption();
        var lossTrack = new Option<bool>("--loss-track") { Description = "with --mapping log: a soft tone for the loss after each step" };
        var window = new Option<int>("--sound-window") { Description = "steps per TensorBoard audio summary (0: none)", DefaultValueFactory = _ => 200 };
        var play = new Option<bool>("--play") { Description = "also play the sound live through aplay or paplay (implies --sonify)" };
        var dashboard = new Option<bool>("--dashboard") { Description = "serve the live dashboard beside training (see --port, --host)" };
        var dashboardOptions = new DashboardCommand.Options();
        var trainSubset = new Option<int?>("--train-subset") { Description = "train on the first N training images only (a small set to see overfitting); the test split is unchanged" };
        var distributionsEvery = new Option<int>("--distributions-every") { Description = "record weight and gradient distributions and weight samples every N steps (0: never)", DefaultValueFactory = _ => DistributionProbe.DefaultEvery };
        var activationsEvery = new Option<int>("--activations-every") { Description = "record activation statistics (mean, std, zero, dead and saturated fractions) every N steps into activations.csv (0: never)", DefaultValueFactory = _ => ActivationStatisticsProbe.DefaultEvery };

        var command = new Command("train", "Train a model with probes and record a run folder (metrics, TensorBoard, checkpoints).")
        {
            model, data, optimizer, schedule, stepEvery, lr, momentum, nesterov, weightDecay, batchSize, epochs, maxSteps, seed, device,
            evalEvery, onDivergence, output, runs, quiet, sonify, mapping, lossTrack, window, play, distributionsEvery, dashboard,
            activationsEvery, trainSubset,
        };
        dashboardOptions.AddTo(command);
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
        {
            var options = new TrainingOptions
            {
                Optimizer = Enum.Parse<OptimizerKind>(r.GetValue(optimizer)!, ignoreCase: true),
                LearningRate = r.GetValue(lr),
                Schedule = Enum.Parse<ScheduleKind>(r.GetValue(schedule)!, ignoreCase: true),
                StepEvery = r.GetValue(stepEvery),
                Momentum = r.GetValue(momentum),
                Nesterov = r.GetValue(nesterov),
                WeightDecay = r.GetValue(weightDecay),
                BatchSize = r.GetValue(batchSize),
                Epochs = r.GetValue(epochs) ?? (r.GetValue(maxSteps) is null ? defaults.Epochs : null),
                MaxSteps = r.GetValue(maxSteps),
                Seed = r.GetValue(seed),
                Device = Enum.Parse<DeviceChoice>(r.GetValue(device)!, ignoreCase: true),
                EvalEvery = r.GetValue(evalEvery),
                OnDivergence = Enum.Parse<DivergencePolicy>(r.GetValue(onDivergence)!, ignoreCase: true),
            };
            var sound = r.GetValue(sonify) || r.GetValue(play)
                ? new SoundChoice(SonifyCommand.Mapping(r.GetValue(mapping)!), r.GetValue(lossTrack), r.GetValue(window), r.GetValue(play))
                : null;
            var settings = new Settings(r.GetValue(model)!, r.GetValue(data)!, options, r.GetValue(output), r.GetValue(runs)!, r.GetValue(quiet), sound, r.GetValue(distributionsEvery),
                r.GetValue(dashboard) ? new DashboardOptions(r.GetValue(output) is { } o ? Path.GetDirectoryName(Path.GetFullPath(o))! : r.GetValue(runs)!, r.GetValue(dashboardOptions.Host)!, r.GetValue(dashboardOptions.Port)) : null,
                ActivationsEvery: r.GetValue(activationsEvery), TrainSubset: r.GetValue(trainSubset));
            return Run(settings, terminal);
        }));
        return command;
    }

    public static int Run(Settings settings, Terminal terminal, CancellationToken cancel = default)
    {
        ValidateValues(settings);
        if (settings.Sound is { WindowSteps: < 0 })
            throw new InvalidOptionException($"--sound-window must be 0 (none) or a number of steps; got {settings.Sound.WindowSteps}");
        if (settings.TrainSubset is < 1)
            throw new InvalidOptionException($"--train-subset must be at least 1 image; got {settings.TrainSubset}");
        if (settings.DistributionsEvery < 0)
            throw new InvalidOptionException($"--distributions-every must be 0 (never) or a number of steps; got {settings.DistributionsEvery}");
        if (settings.ActivationsEvery < 0)
            throw new InvalidOptionException($"--activations-every must be 0 (never) or a number of steps; got {settings.ActivationsEvery}");
        var recipe = ModelRegistry.Find(settings.Model);
        // Data and model come first: a bad file or option stops here, before any run folder exists.
        using var data = settings.TrainSubset is { } subset
            ? TrainingSubset.Take(DataSource.Load(settings.Data, settings.Options.Seed), subset)
            : DataSource.Load(settings.Data, settings.Options.Seed);
        using var model = recipe.Create(new ModelRequest(data.Train.Shape, data.Train.Classes), settings.Options.Seed);
        Trainer.CheckCompatible(model, recipe.Objective, data.Train);
        // The dashboard's port is taken before the folder exists, so a port in use leaves nothing behind.
        using var server = settings.Dashboard is { } board ? DashboardCommand.Start(board, terminal) : null;
        // Ctrl-C and SIGTERM are caught from before the run folder exists: a signal once it does stops the run with a
        // valid run.json instead of killing the process with none.
        using var interrupt = new InterruptSignal(cancel);
        var folder = settings.Out is null ? RunFolder.CreateUnder(settings.Runs, recipe.Name) : RunFolder.Create(settings.Out);
        var (sound, player) = settings.Sound is { } choice ? SoundFor(choice, folder, terminal) : (null, null);
        // The same parts as a user's loop watched with RunWatch.Start: one way to record a run.
        var parts = RunWatch.Parts(folder, new RunWatchOptions(settings.Data, DistributionsEvery: settings.DistributionsEvery, Sound: sound, Player: player, ActivationsEvery: settings.ActivationsEvery));
        if (!settings.Quiet)
            parts.Diagnosis.VerdictFired += verdict => VerdictLine.Write(terminal.Out, verdict, withSuggestion: false);
        TrainingResult result;
        try
        {
            TrainingResult Train(IEnumerable<ITrainingObserver> extra) =>
                new Trainer(model, data, settings.Options, parts.Probes, [.. parts.Observers, .. extra], recipe.Objective).Run(interrupt.Token);
            result = settings.Quiet
                ? Train([])
                : WithProgress(terminal.Out, bar => Train([new TrainingProgress(terminal.Out, bar, settings.ProgressEvery)]));
            Report(settings, terminal.Out, folder, result);
        }
        finally
        {
            foreach (var part in parts.Owned)
                part.Dispose();
        }
        // The page is worth a look after training too: serve on until Ctrl-C, unless Ctrl-C already stopped training.
        if (server is not null && !interrupt.Token.IsCancellationRequested)
            DashboardCommand.ServeUntilInterrupted(server, terminal, "training has ended; the dashboard keeps serving", interrupt.Token);
        return result.Status == RunStatus.Interrupted ? Interrupted : 0;
    }

    /// <summary>
    /// Every option value checked before data, model or run folder exist, so that a bad value is exit code 2 and leaves
    /// nothing behind.
    /// </summary>
    static void ValidateValues(Settings settings)
    {
        settings.Options.Validate();
        // The optimizers work in float: a double beyond float's range becomes infinity there and the run a crash.
        if (settings.Options.LearningRate > float.MaxValue || settings.Options.WeightDecay > float.MaxValue)
            throw new InvalidOptionException($"--lr and --weight-decay must be at most {float.MaxValue:G3}; got {settings.Options.LearningRate:G3} and {settings.Options.WeightDecay:G3}");
        settings.Dashboard?.Validate();
    }

    static (SoundSettings Sound, LivePlayer? Player) SoundFor(SoundChoice choice, RunFolder folder, Terminal terminal)
    {
        var channels = SoundMapping.ChannelsOf(choice.Mapping);
        LivePlayer? player = null;
        if (choice.Play && (player = LivePlayer.TryStart(SoundMapping.SampleRate, channels, out var problem)) is null)
            terminal.Error.MarkupLineInterpolated($"[yellow]warning:[/] --play: {problem}; the sound is still written to {folder.GradientSound}");
        var tensorBoard = choice.WindowSteps > 0 ? folder.TensorBoardSound : null;
        return (new SoundSettings(folder.GradientSound, choice.Mapping, choice.LossTrack, tensorBoard, Math.Max(1, choice.WindowSteps)), player);
    }

    /// <summary>Runs <paramref name="train"/> under a Spectre progress bar when the console is interactive.</summary>
    public static TrainingResult WithProgress(IAnsiConsole console, Func<ProgressTask?, TrainingResult> train)
    {
        if (!console.Profile.Capabilities.Interactive)
            return train(null);
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => train(context.AddTask("starting")));
    }

    /// <summary>The summary's diagnosis row: each verdict's title, layers and first step, or "no verdict".</summary>
    static string Diagnosis(RunFolder folder)
    {
        var verdicts = DiagnosisFile.Read(DiagnosisFile.PathIn(folder));
        if (verdicts.Count == 0)
            return "no verdict";
        var lines = verdicts.Select(v => $"{v.Title}{(v.Layers.Count > 0 ? $" ({string.Join(", ", v.Layers)})" : "")} from step {v.FirstStep}");
        return string.Join("\n", [.. lines, $"(details: stethoscope diagnose {folder.Root})"]);
    }

    static void Report(Settings settings, IAnsiConsole console, RunFolder folder, TrainingResult result)
    {
        if (settings.Quiet)
        {
            console.WriteLine(folder.Root);
            return;
        }
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("status", result.Status.ToString().ToLowerInvariant());
        table.AddRow("steps", $"{result.Steps} ({result.EpochsCompleted} full epochs)");
        if (result.FirstNonFiniteStep is { } nan)
            table.AddRow("first NaN/inf", $"step {nan}");
        if (result.NonFiniteOrigin is { } origin)
            table.AddRow("NaN/inf origin", Markup.Escape(origin.Line()));
        if (result.LastEvaluation is { } eval)
            table.AddRow("test", eval.Accuracy is { } a ? $"loss {eval.Loss:0.0000}, accuracy {a:P2}" : $"loss {eval.Loss:0.0000}");
        table.AddRow("time", $"{(result.EndedAt - result.StartedAt).TotalSeconds:0.0} s");
        table.AddRow("diagnosis", Markup.Escape(Diagnosis(folder)));
        if (settings.Sound is not null)
            table.AddRow("sound", Markup.Escape(folder.GradientSound));
        table.AddRow("run folder", Markup.Escape(folder.Root));
        console.Write(table);
    }
}
