using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Models;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope models</c>: the registered models, their default input and what they are.</summary>
public static class ModelsCommand
{
    public static Command Create(Terminal terminal)
    {
        var command = new Command("models", "List the models Stethoscope can build.");
        command.SetAction(_ => Run(terminal));
        return command;
    }

    public static int Run(Terminal terminal)
    {
        var table = new Table().AddColumns("model", "input", "description");
        foreach (var recipe in ModelRegistry.All)
            table.AddRow(Markup.Escape(recipe.Name), recipe.DefaultInput.ToString(), Markup.Escape(recipe.Description));
        terminal.Out.Write(table);
        return 0;
    }
}
