using System.CommandLine;
using Spectre.Console;
using Stethoscope.Analysis;
using Stethoscope.Cli.Output;
using Stethoscope.Data;
using Stethoscope.Imaging;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope activations RUN|CHECKPOINT (--image F.png | --sample N)</c>: every channel of a layer's output for one input.</summary>
public static class ActivationsCommand
{
    /// <summary>What to show: the run, the input (an image file or a test sample) and the layer.</summary>
    public sealed record Settings(string? Run, string? Image, int? Sample, string? Layer, DeviceChoice Device, string? Out, string? Model = null);

    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string?>("RUN") { Description = "a run folder (its final checkpoint) or a checkpoint file in a run's checkpoints/", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string?>("--model") { Description = "instead of RUN, a model by name (resnet18-imagenet, onnx:PATH, a registered one); the image is resized to its input" };
        var image = new Option<string?>("--image") { Description = "an image file of any size (grey or RGB to match the model)" };
        var sample = new Option<int?>("--sample") { Description = "index of a test image of the run's data" };
        var layer = new Option<string?>("--layer") { Description = "layer whose output to show (default: conv1)", DefaultValueFactory = _ => "conv1" };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var output = new Option<string?>("--out") { Description = "PNG to write (default: RUN/figures/activations-<layer>-<input>.png)" };
        var command = new Command("activations", "Show every channel of a layer's output (feature maps) for one input, the input beside them.") { run, model, image, sample, layer, device, output };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(
            new Settings(r.GetValue(run), r.GetValue(image), r.GetValue(sample), r.GetValue(layer), Enum.Parse<DeviceChoice>(r.GetValue(device)!, ignoreCase: true), r.GetValue(output), r.GetValue(model)),
            terminal)));
        return command;
    }

    public static int Run(Settings settings, Terminal terminal)
    {
        if ((settings.Image is null) == (settings.Sample is null))
            throw new InvalidOptionException("give exactly one input: --image F.png or --sample N");
        if (ModelOptions.RunOrModel(settings.Run, settings.Model) is { } modelName)
            return RunOnModel(modelName, settings, terminal);
        var checkpoint = RunCheckpoint.Open(settings.Run!);
        var device = Devices.Resolve(settings.Device);
        using var model = checkpoint.Load();
        model.to(device);
        var normalization = checkpoint.Manifest.Data.Normalization;
        using var scope = NewDisposeScope();
        var (input, name) = settings.Image is { } path
            ? (FeatureMaps.LoadImage(path, checkpoint.InputShape.Channels, normalization), Path.GetFileNameWithoutExtension(path))
            : (TestSample(checkpoint, settings.Sample!.Value), $"sample{settings.Sample}");
        var layer = ModelTrace.Of(model, checkpoint.InputShape).SpatialLayer(settings.Layer).Path;
        var maps = FeatureMaps.Of(model, input, layer, device);
        var shown = normalization.Undo(input.unsqueeze(0))[0];
        var title = $"{checkpoint.Manifest.Name}: {layer} for {name} ({input.shape[2]}x{input.shape[1]} px): {maps.shape[0]} maps of {maps.shape[2]}x{maps.shape[1]}, each scaled on its own";
        var output = settings.Out ?? Path.Combine(checkpoint.Run.Figures, $"activations-{layer}-{name}.png");
        FeatureMapGrid.SavePng(shown, maps, title, output);
        terminal.Out.MarkupLineInterpolated($"{Path.GetFullPath(output)}");
        return 0;
    }

    /// <summary>A model built by name, on an image resized to the model's input and normalised as the model expects.</summary>
    static int RunOnModel(string name, Settings settings, Terminal terminal)
    {
        if (settings.Image is not { } path)
            throw new InvalidOptionException("--sample needs a RUN (its test images); with --model give --image");
        var recipe = ModelRegistry.Find(name);
        var device = Devices.Resolve(settings.Device);
        using var model = recipe.Create(new ModelRequest(recipe.DefaultInput), seed: 0);
        model.to(device);
        using var scope = NewDisposeScope();
        var shown = ImageFile.LoadResized(path, recipe.DefaultInput);
        var input = ModelOptions.ImageNormalization(recipe).Apply(shown.unsqueeze(0))[0];
        var layer = ModelTrace.Of(model, recipe.DefaultInput).SpatialLayer(settings.Layer).Path;
        var maps = FeatureMaps.Of(model, input, layer, device);
        var image = Path.GetFileNameWithoutExtension(path);
        var title = $"{recipe.Name}: {layer} for {image} ({input.shape[2]}x{input.shape[1]} px): {maps.shape[0]} maps of {maps.shape[2]}x{maps.shape[1]}, each scaled on its own";
        var output = settings.Out ?? $"activations-{model.GetName()}-{layer}-{image}.png";
        FeatureMapGrid.SavePng(shown, maps, title, output);
        terminal.Out.MarkupLineInterpolated($"{Path.GetFullPath(output)}");
        return 0;
    }

    static Tensor TestSample(RunCheckpoint checkpoint, int index)
    {
        using var data = checkpoint.LoadData();
        if (index < 0 || index >= data.Test.Count)
            throw new InvalidOptionException($"--sample {index} is outside the run's test split (0..{data.Test.Count - 1})");
        return data.Test.Images[index].clone();
    }
}
