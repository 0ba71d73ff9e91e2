using System.CommandLine;
using Spectre.Console;
using Stethoscope.Analysis;
using Stethoscope.Cli.Output;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Training;
using TorchSharp;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope filters RUN|CHECKPOINT</c> or <c>filters --model M</c>: a convolution layer's kernels, or their
/// gradients on one batch of a run's data, as an image grid.</summary>
public static class FiltersCommand
{
    /// <summary>What to draw.</summary>
    public sealed record Settings(string? Run, string? Layer, bool Gradients, FilterScaling Scaling, int BatchSize, DeviceChoice Device, string? Out, string? Model = null);

    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string?>("RUN") { Description = "a run folder (its final checkpoint) or a checkpoint file in a run's checkpoints/", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { Description = "instead of RUN, a model by name: resnet18-imagenet (pretrained), onnx:PATH, or a registered one (seeded random weights)" };
        var layer = new Option<string?>("--layer") { Description = "convolution layer (default: the first one)" };
        var gradients = new Option<bool>("--gradients") { Description = "draw the weight gradients of one batch of the run's training data instead of the weights" };
        var scale = new Option<string>("--scale") { Description = "per-filter (each tile black to white) or global (one symmetric scale, blue-white-red)", DefaultValueFactory = _ => "per-filter" };
        scale.AcceptOnlyFromAmong("per-filter", "global");
        var batch = new Option<int>("--batch-size") { Description = "with --gradients: images in the batch", DefaultValueFactory = _ => 64 };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var output = new Option<string?>("--out") { Description = "PNG to write (default: RUN/figures/filters-<layer>[-gradients].png)" };
        var command = new Command("filters", "Draw a convolution layer's filters (or their gradients on a batch) as an image grid.") { run, model, layer, gradients, scale, batch, device, output };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(
            new Settings(r.GetValue(run), r.GetValue(layer), r.GetValue(gradients), r.GetValue(scale) == "global" ? FilterScaling.Global : FilterScaling.PerFilter,
                r.GetValue(batch), Enum.Parse<DeviceChoice>(r.GetValue(device)!, ignoreCase: true), r.GetValue(output), r.GetValue(model)),
            terminal)));
        return command;
    }

    public static int Run(Settings settings, Terminal terminal)
    {
        if (ModelOptions.RunOrModel(settings.Run, settings.Model) is { } name)
            return RunOnModel(name, settings, terminal);
        var checkpoint = RunCheckpoint.Open(settings.Run!);
        var device = Devices.Resolve(settings.Device);
        using var model = checkpoint.Load();
        model.to(device);
        var layer = ConvolutionLayer(ModelTrace.Of(model, checkpoint.InputShape), settings.Layer);
        var weight = layer.Weight!;
        var what = $"{layer.Path} filters";
        if (settings.Gradients)
        {
            using var data = checkpoint.LoadData();
            what = $"gradients of {layer.Path} on {BatchGradients.Compute(model, checkpoint.Recipe.Objective, data.Train, settings.BatchSize, device)} training images";
        }
        var values = settings.Gradients ? weight.grad! : weight;
        var suffix = (settings.Gradients ? "-gradients" : "") + (settings.Scaling == FilterScaling.Global ? "-global" : "");
        var path = settings.Out ?? Path.Combine(checkpoint.Run.Figures, $"filters-{layer.Path}{suffix}.png");
        var title = $"{checkpoint.Manifest.Name} {Path.GetFileNameWithoutExtension(checkpoint.Path)}: {what} [{string.Join("x", values.shape)}], {(settings.Scaling == FilterScaling.PerFilter ? "each tile scaled on its own" : "one scale, blue < 0 < red")}";
        FilterGrid.SavePng(values, settings.Scaling, path, title);
        terminal.Out.MarkupLineInterpolated($"{Path.GetFullPath(path)}");
        return 0;
    }

    /// <summary>A model built by name: its own weights (pretrained, or seeded random for a registered model).</summary>
    static int RunOnModel(string name, Settings settings, Terminal terminal)
    {
        if (settings.Gradients)
            throw new InvalidOptionException("--gradients needs a RUN (a batch of its training data); with --model the weights are drawn");
        var recipe = ModelRegistry.Find(name);
        using var model = recipe.Create(new ModelRequest(recipe.DefaultInput), seed: 0);
        model.to(Devices.Resolve(settings.Device));
        var layer = ConvolutionLayer(ModelTrace.Of(model, recipe.DefaultInput), settings.Layer);
        var weight = layer.Weight!;
        var path = settings.Out ?? $"filters-{model.GetName()}-{layer.Path}{(settings.Scaling == FilterScaling.Global ? "-global" : "")}.png";
        var title = $"{recipe.Name}: {layer.Path} filters [{string.Join("x", weight.shape)}], {(settings.Scaling == FilterScaling.PerFilter ? "each tile scaled on its own" : "one scale, blue < 0 < red")}";
        FilterGrid.SavePng(weight, settings.Scaling, path, title);
        terminal.Out.MarkupLineInterpolated($"{Path.GetFullPath(path)}");
        return 0;
    }

    /// <summary>The named convolution (null: the first in forward order), refusing any other module.</summary>
    static TracedLayer ConvolutionLayer(ModelTrace model, string? name)
    {
        var convolutions = model.Weighted.Where(l => l.Weight!.dim() == 4).ToArray();
        var layer = name is null ? convolutions.FirstOrDefault() : model.Find(name);
        if (layer is not null && convolutions.Contains(layer))
            return layer;
        var valid = convolutions.Length == 0 ? "none" : ModuleTree.Listing(convolutions.Select(l => l.Path));
        throw new StethoscopeException($"layer {name ?? "(default)"} is not a convolution of {model.Name}; convolution layers: {valid}");
    }
}
