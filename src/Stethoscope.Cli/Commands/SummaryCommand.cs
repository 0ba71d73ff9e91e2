using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope summary --model vgg16 --input 3x224x224</c>: layer, output shape and parameter count.</summary>
public static class SummaryCommand
{
    /// <summary>What to summarise.</summary>
    public sealed record Settings(string Model, string? Input, int? Classes);

    public static Command Create(Terminal terminal)
    {
        var model = new Option<string>("--model") { Description = "model name (see 'stethoscope models')", DefaultValueFactory = _ => "mnist-net" };
        var input = new Option<string?>("--input") { Description = "input shape CxHxW (default: the model's own)" };
        var classes = new Option<int?>("--classes") { Description = "number of output classes (default: the model's own)" };
        var command = new Command("summary", "Print a model's layers with output shapes and parameter counts.") { model, input, classes };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
            Run(new Settings(r.GetValue(model)!, r.GetValue(input), r.GetValue(classes)), terminal)));
        return command;
    }

    public static int Run(Settings settings, Terminal terminal)
    {
        var recipe = ModelRegistry.Find(settings.Model);
        var shape = settings.Input is null ? recipe.DefaultInput : InputShape.Parse(settings.Input);
        if (settings.Classes is < 1)
            throw new StethoscopeException($"classes must be at least 1; got {settings.Classes}");
        using var scope = NewDisposeScope();
        using var model = recipe.Create(new ModelRequest(shape, settings.Classes), seed: 0);
        var summary = ModelSummary.Of(model);
        var table = new Table().AddColumns("layer", "kind", "output shape", "parameters");
        table.Columns[3].RightAligned();
        foreach (var layer in summary.Layers)
            table.AddRow(layer.Name, layer.Kind, layer.Shape, layer.Parameters.ToString("N0", CultureInfo.InvariantCulture));
        table.Caption($"{summary.Name}, input {summary.InputShape}: {summary.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters");
        terminal.Out.Write(table);
        return 0;
    }
}
