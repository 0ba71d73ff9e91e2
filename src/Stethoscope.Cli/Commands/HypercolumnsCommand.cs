using System.CommandLine;
using System.Diagnostics;
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
using static TorchSharp.torch;

namespace Stethoscope.Cli.Commands;

/// <summary>
/// <c>stethoscope hypercolumns (--model vgg16 [--weights F.safetensors] | RUN) (--image F | --sample N) --layers …</c>:
/// seed 000's hypercolumns — the average map, the pixels clustered with k-means, optionally the tensor itself.
/// </summary>
public static class HypercolumnsCommand
{
    /// <summary>Everything the command was asked.</summary>
    public sealed record Settings(
        string? Run, string Model, string? Weights, string? Image, int? Sample, string[] Layers, int Clusters, int Restarts, long Seed,
        bool Normalize, bool PerLayer, bool Save, string? Out, DeviceChoice Device);

    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string?>("RUN") { Description = "a run folder (its final checkpoint) instead of --model", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string>("--model") { Description = "model name (see 'stethoscope models')", DefaultValueFactory = _ => "vgg16" };
        var weights = new Option<string?>("--weights") { Description = "safetensors file (the model's names or torchvision's); default: seeded random weights" };
        var image = new Option<string?>("--image") { Description = "image file, resized straight to the model's input (no crop)" };
        var sample = new Option<int?>("--sample") { Description = "with RUN: index of a test image of the run's data" };
        var layers = new Option<string>("--layers") { Description = "comma-separated layers; conv1_2 means its ReLU's output", DefaultValueFactory = _ => "conv1_2,conv2_2" };
        var clusters = new Option<int>("--clusters") { Description = "k for k-means", DefaultValueFactory = _ => 2 };
        var restarts = new Option<int>("--restarts") { Description = "k-means restarts (the lowest inertia wins)", DefaultValueFactory = _ => 4 };
        var seed = new Option<long>("--seed") { Description = "seed for random weights and k-means", DefaultValueFactory = _ => 0 };
        var noNormalize = new Option<bool>("--no-normalize") { Description = "with --model: skip ImageNet mean/std normalisation (a model with its own preprocessing, resnet18-imagenet, never gets it)" };
        var perLayer = new Option<bool>("--per-layer-norm") { Description = "scale each layer's features to unit standard deviation before clustering" };
        var save = new Option<bool>("--save") { Description = "also write hypercolumns.safetensors (one F32 tensor 'hypercolumns', [features, H, W])" };
        var output = new Option<string?>("--out") { Description = "folder for average.png, clusters.png (default: RUN/figures/hypercolumns or runs/hypercolumns-<time>)" };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        var command = new Command("hypercolumns", "Extract hypercolumns of an image, draw their average and cluster the pixels with k-means.")
        {
            run, model, weights, image, sample, layers, clusters, restarts, seed, noNormalize, perLayer, save, output, device,
        };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(new Settings(
            r.GetValue(run), r.GetValue(model)!, r.GetValue(weights), r.GetValue(image), r.GetValue(sample),
            r.GetValue(layers)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            r.GetValue(clusters), r.GetValue(restarts), r.GetValue(seed), !r.GetValue(noNormalize), r.GetValue(perLayer), r.GetValue(save),
            r.GetValue(output), Enum.Parse<DeviceChoice>(r.GetValue(device)!, ignoreCase: true)), terminal)));
        return command;
    }

    public static int Run(Settings settings, Terminal terminal)
    {
        if ((settings.Image is null) == (settings.Sample is null))
            throw new InvalidOptionException("give exactly one input: --image F or --sample N");
        if (settings.Sample is not null && settings.Run is null)
            throw new InvalidOptionException("--sample needs a RUN (its test images); with --model give --image");
        if (settings.Clusters < 1 || settings.Restarts < 1)
            throw new InvalidOptionException($"--clusters and --restarts must be at least 1; got {settings.Clusters} and {settings.Restarts}");
        var device = Devices.Resolve(settings.Device);
        using var scope = NewDisposeScope();
        var (model, input, shown, folder) = settings.Run is null ? FromModel(settings) : FromRun(settings);
        using var _ = model;
        model.to(device);
        var clock = Stopwatch.StartNew();
        var hypercolumns = Hypercolumns.Extract(model, input, settings.Layers, device, settings.PerLayer);
        var extraction = clock.Elapsed;
        clock.Restart();
        long features = hypercolumns.shape[0], height = hypercolumns.shape[1], width = hypercolumns.shape[2];
        var points = hypercolumns.to(device).view(features, -1).t();
        var clustering = KMeans.Fit(points, new KMeansSettings(settings.Clusters, settings.Restarts, Seed: settings.Seed));
        var kmeans = clock.Elapsed;
        HypercolumnFigures.SavePngs(folder, hypercolumns, shown, clustering, string.Join(", ", settings.Layers));
        if (settings.Save)
            Safetensors.Write(Path.Combine(folder, "hypercolumns.safetensors"), new Dictionary<string, Tensor> { ["hypercolumns"] = hypercolumns });
        var sizes = Enumerable.Range(0, settings.Clusters).Select(c => clustering.Labels.Count(l => l == c)).ToArray();
        terminal.Out.MarkupLineInterpolated(
            $"{features} features × {height}x{width} px from {string.Join(", ", settings.Layers)}: extraction {extraction.TotalSeconds:0.00} s, k-means {kmeans.TotalSeconds:0.00} s ({clustering.Iterations} iterations, cluster sizes {string.Join(" / ", sizes)})");
        terminal.Out.MarkupLineInterpolated($"{folder}");
        return 0;
    }

    static (nn.Module<Tensor, Tensor> Model, Tensor Input, Tensor Shown, string Folder) FromModel(Settings settings)
    {
        var recipe = ModelRegistry.Find(settings.Model);
        var model = recipe.Create(new ModelRequest(recipe.DefaultInput), settings.Seed);
        try
        {
            if (settings.Weights is not null)
                WeightFile.Load(model, settings.Weights);
            var unit = ImageFile.LoadResized(settings.Image!, recipe.DefaultInput);
            var input = settings.Normalize ? Normalize(unit, ModelOptions.ImageNormalization(recipe)) : unit;
            return (model, input, unit, Folder(settings.Out, Path.Combine("runs", $"hypercolumns-{DateTime.Now:yyyyMMdd-HHmmss}")));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static (nn.Module<Tensor, Tensor> Model, Tensor Input, Tensor Shown, string Folder) FromRun(Settings settings)
    {
        if (settings.Weights is not null)
            throw new InvalidOptionException("--weights goes with --model; a run's checkpoint is its weights");
        var checkpoint = RunCheckpoint.Open(settings.Run!);
        var normalization = checkpoint.Manifest.Data.Normalization;
        Tensor input;
        if (settings.Image is { } path)
        {
            input = Normalize(ImageFile.LoadResized(path, checkpoint.InputShape), normalization);
        }
        else
        {
            using var data = checkpoint.LoadData();
            if (settings.Sample < 0 || settings.Sample >= data.Test.Count)
                throw new InvalidOptionException($"--sample {settings.Sample} is outside the run's test split (0..{data.Test.Count - 1})");
            input = data.Test.Images[settings.Sample!.Value].clone();
        }
        var shown = normalization.Undo(input.unsqueeze(0))[0];
        return (checkpoint.Load(), input, shown, Folder(settings.Out, Path.Combine(checkpoint.Run.Figures, "hypercolumns")));
    }

    static Tensor Normalize(Tensor unit, Normalization normalization) => normalization.Apply(unit.unsqueeze(0))[0];

    static string Folder(string? requested, string fallback) => Path.GetFullPath(requested ?? fallback);
}
