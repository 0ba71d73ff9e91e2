using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stethoscope.Analysis;
using Stethoscope.Cli.Output;
using Stethoscope.Data;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Training;
using TorchSharp;

namespace Stethoscope.Cli.Commands;

/// <summary>
/// <c>stethoscope erf (--model M [--weights CKPT] | RUN)</c>: the effective receptive field of one unit (Luo et al.
/// 2016) as a heat map and numbers; for a run, at the first and the last checkpoint side by side.
/// </summary>
public static class ErfCommand
{
    /// <summary>What to measure: a run (both checkpoints) or a model by name, and where the inputs come from.</summary>
    public sealed record Settings(string? Run, string? Weights, ErfSettings Erf, ErfInputKind Input, DeviceChoice Device, long Seed, string? Out, bool Json);

    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string?>("RUN") { Description = "a run folder: measure its initial and final checkpoints", Arity = ArgumentArity.ZeroOrOne };
        var models = new ModelOptions();
        var weights = new Option<string?>("--weights") { Description = "with --model: a checkpoint to load (default: freshly initialised weights)" };
        var layer = new Option<string?>("--layer") { Description = "layer whose unit to trace (default: the last layer with a spatial map)" };
        var unit = new Option<string>("--unit") { Description = "center, or ROW,COL in the layer's map", DefaultValueFactory = _ => "center" };
        var samples = new Option<int>("--samples") { Description = "inputs to average over", DefaultValueFactory = _ => 32 };
        var batch = new Option<int>("--batch-size") { Description = "inputs per backward pass", DefaultValueFactory = _ => 32 };
        var input = new Option<string?>("--input") { Description = "random (noise), data (the run's test images; bundled digits with --model) or a shape CxHxW for random inputs to a model built for it (default: data for a run, random for --model)" };
        var depth = new Option<int>("--depth") { Description = "erf-stack: number of conv layers", DefaultValueFactory = _ => 5 };
        var kernel = new Option<int>("--kernel") { Description = "erf-stack: kernel size (odd)", DefaultValueFactory = _ => 3 };
        var channels = new Option<int>("--channels") { Description = "erf-stack: channels per layer", DefaultValueFactory = _ => 1 };
        var activation = new Option<string>("--activation") { Description = "erf-stack: linear, relu, tanh or sigmoid", DefaultValueFactory = _ => "linear" };
        activation.AcceptOnlyFromAmong("linear", "relu", "tanh", "sigmoid");
        var init = new Option<string>("--init") { Description = "erf-stack: uniform (all weights equal) or random (Gaussian)", DefaultValueFactory = _ => "uniform" };
        init.AcceptOnlyFromAmong("uniform", "random");
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var seed = new Option<long>("--seed") { Description = "seed for fresh weights and random inputs", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "heat map PNG (default: RUN/figures/erf.png, or erf-<model>-<layer>.png here)" };
        var json = new Option<bool>("--json") { Description = "print {\"sigma_x\",\"sigma_y\",\"r68\",\"r95\",\"theoretical_rf\",\"ratio\"} (for a run: {\"initial\":…,\"final\":…})" };
        var command = new Command("erf", "Measure the effective receptive field of a unit: heat map, sigma, r68/r95 and ratio to the theoretical field.")
        {
            run, weights, layer, unit, samples, batch, input, depth, kernel, channels, activation, init, device, seed, output, json,
        };
        models.AddTo(command, withInput: false);
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
        {
            var runPath = r.GetValue(run);
            var inputText = r.GetValue(input);
            var kind = inputText switch
            {
                "data" => ErfInputKind.Data,
                "random" => ErfInputKind.Random,
                null => runPath is null ? ErfInputKind.Random : ErfInputKind.Data,
                _ => ErfInputKind.Random,
            };
            var settings = new Settings(
                runPath, r.GetValue(weights), new ErfSettings(r.GetValue(layer), ErfUnit.Parse(r.GetValue(unit)!), r.GetValue(samples), r.GetValue(batch)),
                kind, Enum.Parse<DeviceChoice>(r.GetValue(device)!, ignoreCase: true), r.GetValue(seed), r.GetValue(output), r.GetValue(json));
            if (runPath is not null)
            {
                if (inputText is not (null or "data" or "random"))
                    throw new InvalidOptionException("a run's model has its own input shape: --input takes random or data with RUN");
                return RunOnRun(settings, terminal);
            }
            var stack = new ErfStackSettings(r.GetValue(depth), r.GetValue(kernel), r.GetValue(channels),
                Enum.Parse<StackActivation>(r.GetValue(activation)!, ignoreCase: true), Enum.Parse<StackInit>(r.GetValue(init)!, ignoreCase: true));
            var (recipe, request) = models.Read(r, inputText is "data" or "random" ? null : inputText, stack);
            return RunOnModel(recipe, request, settings, terminal);
        }));
        return command;
    }

    public static int RunOnModel(ModelRecipe recipe, ModelRequest request, Settings settings, Terminal terminal)
    {
        var device = Devices.Resolve(settings.Device);
        using var model = recipe.Create(request, settings.Seed);
        if (settings.Weights is not null)
            ModelCheckpoint.Load(model, settings.Weights, $"{recipe.Name} for input {request.Input}");
        model.to(device);
        using var data = settings.Input == ErfInputKind.Data ? BundledDigits.Load() : null;
        var inputs = data is null ? ErfInputs.Random(request.Input, settings.Seed) : ErfInputs.From(data.Test);
        var field = EffectiveReceptiveField.Measure(model, inputs, settings.Erf, device);
        var path = FigurePath(settings, $"erf-{recipe.Name}-{field.Layer}.png");
        if (path is not null)
            ErfFigure.SavePng([new ErfPanel(recipe.Name, field)], path);
        Report([(recipe.Name, field)], path, settings.Json, terminal);
        return 0;
    }

    public static int RunOnRun(Settings settings, Terminal terminal)
    {
        if (settings.Weights is not null)
            throw new InvalidOptionException("--weights goes with --model; a run's checkpoints are its weights");
        var folder = RunCheckpoint.Open(settings.Run!).Run;
        var device = Devices.Resolve(settings.Device);
        var comparison = ErfComparison.Measure(folder, settings.Erf, settings.Input, device, settings.Seed);
        var path = FigurePath(settings, Path.Combine(folder.Figures, "erf.png"));
        if (path is not null)
            ErfFigure.SavePng([new ErfPanel("initial", comparison.Initial), new ErfPanel("final", comparison.Final)], path);
        Report([("initial", comparison.Initial), ("final", comparison.Final)], path, settings.Json, terminal);
        return 0;
    }

    /// <summary>Where the heat map goes: <c>--out</c>, else the default; none for <c>--json</c> alone, which a script runs for the numbers.</summary>
    static string? FigurePath(Settings settings, string defaultPath) => settings.Out ?? (settings.Json ? null : defaultPath);

    static void Report(IReadOnlyList<(string Name, EffectiveReceptiveField Field)> fields, string? path, bool json, Terminal terminal)
    {
        if (json)
        {
            terminal.WriteJson(fields.Count == 1 ? Numbers(fields[0].Field) : fields.ToDictionary(f => f.Name, f => Numbers(f.Field)));
            return;
        }
        var table = new Table().AddColumns("", "layer", "unit", "σx", "σy", "r68", "r95", "theoretical RF", "ratio");
        foreach (var column in table.Columns.Skip(3))
            column.RightAligned();
        foreach (var (name, field) in fields)
        {
            table.AddRow(name, field.Layer, $"{field.UnitRow},{field.UnitColumn}", Number(field.SigmaX), Number(field.SigmaY), Number(field.R68), Number(field.R95),
                field.TheoreticalSize?.ToString(CultureInfo.InvariantCulture) ?? "-", field.Ratio is { } ratio ? Number(ratio) : "-");
        }
        table.Caption($"{fields[0].Field.Samples} inputs; in pixels; ratio = √(area holding 95%) / theoretical RF");
        terminal.Out.Write(table);
        if (path is not null)
            terminal.Out.MarkupLineInterpolated($"heat map: {Path.GetFullPath(path)}");
    }

    /// <summary>The numbers of one field for <c>--json</c>; NaN (a vanished gradient) becomes null.</summary>
    static Dictionary<string, object?> Numbers(EffectiveReceptiveField field) => new()
    {
        ["layer"] = field.Layer,
        ["unit"] = new[] { field.UnitRow, field.UnitColumn },
        ["samples"] = field.Samples,
        ["sigma_x"] = Finite(field.SigmaX),
        ["sigma_y"] = Finite(field.SigmaY),
        ["r68"] = Finite(field.R68),
        ["r95"] = Finite(field.R95),
        ["theoretical_rf"] = field.TheoreticalSize,
        ["ratio"] = field.Ratio is { } ratio ? Finite(ratio) : null,
    };

    static double? Finite(double value) => double.IsFinite(value) ? value : null;

    static string Number(double value) => double.IsFinite(value) ? value.ToString("0.00", CultureInfo.InvariantCulture) : "NaN";
}
