using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Experiments;
using Stethoscope.Training;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope erf-study</c>: Luo et al.'s Figure 1 and the √depth law on erf-stack networks.</summary>
public static class ErfStudyCommand
{
    public static Command Create(Terminal terminal)
    {
        var output = new Option<string?>("--out") { Description = "folder for erf-study.png and erf-study.csv (default: runs/erf-study-<time>)" };
        var depths = new Option<string>("--depths") { Description = "comma-separated depths", DefaultValueFactory = _ => "5,10,20,40" };
        var size = new Option<int>("--input-size") { Description = "input side in pixels (the deepest stack's field should fit)", DefaultValueFactory = _ => ErfStudySettings.Paper.InputSize };
        var draws = new Option<int>("--draws") { Description = "weight draws averaged for random init", DefaultValueFactory = _ => ErfStudySettings.Paper.Draws };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var command = new Command("erf-study", "Luo et al. 2016 Figure 1: ERFs of conv stacks by depth, init and activation, with fitted growth exponents.")
        {
            output, depths, size, draws, device,
        };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
        {
            var settings = ErfStudySettings.Paper with { Depths = ParseDepths(r.GetValue(depths)!), InputSize = r.GetValue(size), Draws = r.GetValue(draws) };
            if (settings.InputSize < 8 || settings.Draws < 1)
                throw new InvalidOptionException($"--input-size must be at least 8 and --draws at least 1; got {settings.InputSize} and {settings.Draws}");
            return Run(r.GetValue(output), settings, Enum.Parse<DeviceChoice>(r.GetValue(device)!, ignoreCase: true), terminal);
        }));
        return command;
    }

    static int[] ParseDepths(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var depths = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : -1).ToArray();
        return depths.All(d => d > 0)
            ? depths
            : throw new InvalidOptionException($"--depths '{text}' is not a comma-separated list of positive integers (for example 5,10,20,40)");
    }

    public static int Run(string? output, ErfStudySettings settings, DeviceChoice choice, Terminal terminal)
    {
        var folder = Path.GetFullPath(output ?? Path.Combine("runs", $"erf-study-{DateTime.Now:yyyyMMdd-HHmmss}"));
        var device = Devices.Resolve(choice);
        var result = ErfStudy.Run(folder, settings, device, c => terminal.Out.MarkupLineInterpolated($"[grey]measuring[/] {c.Label} …"));
        var table = new Table().AddColumn("init, activation");
        foreach (var depth in settings.Depths)
            table.AddColumn(new TableColumn($"σ at {depth}").RightAligned());
        table.AddColumn(new TableColumn("σ ∝ depth^a").RightAligned());
        table.AddColumn(new TableColumn("ratio ∝ depth^b").RightAligned());
        foreach (var fit in result.Fits)
        {
            var sigmas = result.Cells.Where(c => c.Case == fit.Case).Select(c => Number(c.Field.Sigma, "0.00"));
            table.AddRow([fit.Case.Label, .. sigmas, Number(fit.SizeExponent, "0.000"), Number(fit.RatioExponent, "0.000")]);
        }
        table.Caption("σ in pixels; Luo et al.: a ≈ 0.5 and b ≈ −0.5 for the uniform linear stack");
        terminal.Out.Write(table);
        terminal.Out.MarkupLineInterpolated($"figure: {result.Figure}");
        terminal.Out.MarkupLineInterpolated($"table:  {result.Table}");
        return 0;
    }

    static string Number(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "vanished";
}
