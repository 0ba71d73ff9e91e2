using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stethoscope.Analysis;
using Stethoscope.Cli.Output;
using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope summary --model vgg16 --input 3x224x224</c>: layer, output shape, receptive field and parameter count.</summary>
public static class SummaryCommand
{
    public static Command Create(Terminal terminal)
    {
        var options = new ModelOptions();
        var command = new Command("summary", "Print a model's layers with output shapes, receptive fields and parameter counts.");
        options.AddTo(command);
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
        {
            var (recipe, request) = options.Read(r);
            return Run(recipe, request, terminal);
        }));
        return command;
    }

    public static int Run(ModelRecipe recipe, ModelRequest request, Terminal terminal)
    {
        using var scope = NewDisposeScope();
        using var model = recipe.Create(request, seed: 0);
        var summary = ModelSummary.Of(ModelTrace.Of(model, request.Input));
        var fields = ReceptiveFieldTable.Of(model, request.Input).ToDictionary(f => f.Layer);
        var table = new Table().AddColumns("layer", "kind", "output shape", "receptive field", "parameters");
        table.Columns[3].RightAligned();
        table.Columns[4].RightAligned();
        for (var i = 0; i < summary.Layers.Count; i++)
        {
            var layer = summary.Layers[i];
            table.AddRow(layer.Name, layer.Kind, layer.Shape, fields.TryGetValue(layer.Name, out var field) ? RfCommand.SizeText(field) : "-", layer.Parameters.ToString("N0", CultureInfo.InvariantCulture));
        }
        table.Caption($"{summary.Name}, input {summary.InputShape}: {summary.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters");
        terminal.Out.Write(table);
        return 0;
    }
}
