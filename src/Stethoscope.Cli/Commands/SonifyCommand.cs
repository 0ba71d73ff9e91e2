using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Runs;
using Stethoscope.Sound;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope sonify RUN</c>: renders a run's gradient sound again from metrics.csv, without retraining.</summary>
public static class SonifyCommand
{
    /// <summary>What to render and how.</summary>
    public sealed record Settings(string Run, MappingKind Mapping, SampleFormat Format, bool LossTrack, string? Out);

    /// <summary>The <c>--mapping seed|log</c> option, shared with <c>train --sonify</c>.</summary>
    public static Option<string> MappingOption()
    {
        var mapping = new Option<string>("--mapping") { Description = "seed (seed 000's tones, mono) or log (log pitch, stereo, a timbre per layer)", DefaultValueFactory = _ => "seed" };
        mapping.AcceptOnlyFromAmong("seed", "log");
        return mapping;
    }

    public static MappingKind Mapping(string name) => Enum.Parse<MappingKind>(name, ignoreCase: true);

    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string>("RUN") { Description = "a run folder (holding metrics.csv)" };
        var mapping = MappingOption();
        var format = new Option<string>("--format") { Description = "pcm16 (plays everywhere) or float32 (IEEE float, format tag 3)", DefaultValueFactory = _ => "pcm16" };
        format.AcceptOnlyFromAmong("pcm16", "float32");
        var lossTrack = new Option<bool>("--loss-track") { Description = "with --mapping log: a soft tone for the loss after each step" };
        var output = new Option<string?>("--out") { Description = "WAV file to write (default: RUN/sound/gradient-norms-<mapping>.wav)" };
        var command = new Command("sonify", "Render a run's gradient norms as sound again, from its metrics.csv.") { run, mapping, format, lossTrack, output };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(
            new Settings(r.GetValue(run)!, Mapping(r.GetValue(mapping)!), Enum.Parse<SampleFormat>(r.GetValue(format)!, ignoreCase: true), r.GetValue(lossTrack), r.GetValue(output)),
            terminal)));
        return command;
    }

    public static int Run(Settings settings, Terminal terminal)
    {
        if (!Directory.Exists(settings.Run))
            throw new StethoscopeException($"{settings.Run}: no such run folder");
        if (settings.LossTrack && settings.Mapping != MappingKind.Log)
            throw new InvalidOptionException("--loss-track needs --mapping log (the seed mapping is the seed's, unchanged)");
        var folder = new RunFolder(Path.GetFullPath(settings.Run));
        var path = settings.Out ?? Path.Combine(folder.Sound, $"gradient-norms-{settings.Mapping.ToString().ToLowerInvariant()}.wav");
        var summary = RunSonifier.Render(folder, path, settings.Mapping, settings.Format, settings.LossTrack);
        terminal.Out.MarkupLineInterpolated(
            $"{summary.Path}: {summary.Steps} steps of {string.Join(", ", summary.Layers)}, {summary.Duration.TotalSeconds:0.0} s, {summary.NonFiniteNorms} NaN/inf norms");
        return 0;
    }
}
