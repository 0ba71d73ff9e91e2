using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Data;
using Stethoscope.Experiments;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope seed-sounds</c>: seed 000's five clips, trained again on the bundled digits or, with <c>--data mnist</c>, on the seed's 60,000.</summary>
public static class SeedSoundsCommand
{
    public static Command Create(Terminal terminal)
    {
        var output = new Option<string?>("--out") { Description = "folder for the five runs, their WAVs and norm-traces.png (default: runs/seed-sounds-<time>)" };
        var steps = new Option<int>("--steps") { Description = $"training steps of each clip (default {SeedSounds.Steps}, as in the seed; fewer for a quick look)", DefaultValueFactory = _ => SeedSounds.Steps };
        steps.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError($"--steps must be at least 1; got {r.GetValueOrDefault<int>()}");
        });
        var data = new Option<string>("--data") { Description = $"the digits: bundled, or mnist for the seed's 60,000 (after `stethoscope data get mnist`); any of {DataSource.Forms}", DefaultValueFactory = _ => "bundled" };
        var command = new Command("seed-sounds", $"Make seed 000's five gradient sounds again (SGD lr 0.01/0.1/1.0, lr 1.0 batch 256, Adam), {SeedSounds.Steps} steps each.") { output, steps, data };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(r.GetValue(output), terminal, r.GetValue(steps), r.GetValue(data)!)));
        return command;
    }

    public static int Run(string? output, Terminal terminal, int steps = SeedSounds.Steps, string data = "bundled")
    {
        var folder = Path.GetFullPath(output ?? Path.Combine("runs", $"seed-sounds-{DateTime.Now:yyyyMMdd-HHmmss}"));
        using var digits = DataSource.Load(data);
        var results = SeedSounds.Run(folder, digits, clip => terminal.Out.MarkupLineInterpolated($"[grey]training[/] {clip.Title} on {digits.Train.Count:N0} digits …"), steps: steps, data: data);
        var table = new Table().AddColumns("clip", "status", "first NaN/inf", "sound");
        foreach (var result in results)
        {
            var nan = result.Training.FirstNonFiniteStep is { } step ? $"step {step}" : "-";
            table.AddRow(Markup.Escape(result.Clip.Title), result.Training.Status.ToString().ToLowerInvariant(), nan, Markup.Escape(Path.GetFileName(result.Wav)));
        }
        table.Caption(Markup.Escape($"{folder} (norm traces: {SeedSounds.ChartName})"));
        terminal.Out.Write(table);
        return 0;
    }
}
