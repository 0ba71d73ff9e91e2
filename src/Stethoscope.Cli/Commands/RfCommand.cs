using System.CommandLine;
using Spectre.Console;
using Stethoscope.Analysis;
using Stethoscope.Cli.Output;
using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope rf --model resnet18 --input 3x224x224 [--json]</c>: the theoretical receptive field of every
/// module path (<c>layer2.0.conv1</c>), for any registered model, residual networks included.</summary>
public static class RfCommand
{
    public static Command Create(Terminal terminal)
    {
        var options = new ModelOptions();
        var json = new Option<bool>("--json") { Description = "print {\"layers\":[{\"name\",\"receptive_field\",\"jump\",\"start\"}…]} (null where the field is the whole input or unknown)" };
        var command = new Command("rf", "Print the theoretical receptive field (size, jump, start) of every layer of a model.") { json };
        options.AddTo(command);
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
        {
            var (recipe, request) = options.Read(r);
            return Run(recipe, request, r.GetValue(json), terminal);
        }));
        return command;
    }

    public static int Run(ModelRecipe recipe, ModelRequest request, bool json, Terminal terminal)
    {
        using var scope = NewDisposeScope();
        using var model = recipe.Create(request, seed: 0);
        var rows = ReceptiveFieldTable.Of(model, request.Input);
        if (json)
        {
            var layers = rows.Select(r => new { name = r.Layer, receptive_field = r.Size, jump = r.Jump, start = r.Start });
            terminal.WriteJson(new { layers });
            return 0;
        }
        var table = new Table().AddColumns("layer", "receptive field", "jump", "start");
        foreach (var column in table.Columns.Skip(1))
            column.RightAligned();
        foreach (var row in rows)
            table.AddRow(row.Layer, SizeText(row), row.Jump?.ToString() ?? "", row.Start?.ToString() ?? "");
        table.Caption($"{model.GetName()}, input {request.Input}: receptive field and jump in input pixels; start = where unit 0's window begins");
        terminal.Out.Write(table);
        var unknown = rows.FirstOrDefault(r => r.Kind == ReceptiveFieldKind.Unknown);
        if (unknown is not null)
            terminal.Error.MarkupLineInterpolated($"[yellow]note:[/] receptive fields stop at {unknown.Note}");
        return 0;
    }

    /// <summary>The receptive field as a table cell: a size, "whole input", or "unknown".</summary>
    public static string SizeText(ReceptiveFieldRow row) => row.Kind switch
    {
        ReceptiveFieldKind.Window => $"{row.Size}",
        ReceptiveFieldKind.WholeInput => "whole input",
        _ => "unknown",
    };
}
