using Stethoscope.Onnx;

namespace Stethoscope.Tests.Onnx;

/// <summary>The cache's refusals, which need no download: a missing, partial or corrupt cache is one line.</summary>
public class ModelCacheTests
{
    static string Folder(TempDirectory root) => PretrainedResNet18.Folder(root.Path);

    [Fact]
    public void A_model_never_fetched_says_how_to_fetch_it()
    {
        using var root = new TempDirectory();
        var error = Assert.ThrowsAny<StethoscopeException>(() => PretrainedResNet18.Load(root.Path));
        Assert.Equal($"model resnet18-imagenet is not in the model cache {root.Path}; fetch it once with 'stethoscope models get resnet18-imagenet' (needs the NuGet registry)", error.Message);
    }

    [Fact]
    public void A_folder_without_its_manifest_is_partial_and_refused_by_load_and_by_get()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(Folder(root));
        File.WriteAllText(Path.Combine(Folder(root), "weights.safetensors"), "half");
        var load = Assert.ThrowsAny<StethoscopeException>(() => PretrainedResNet18.Load(root.Path));
        Assert.Equal($"the model cache {Folder(root)} is partial or corrupt (manifest.json is missing); delete that folder and run 'stethoscope models get resnet18-imagenet'", load.Message);
        var get = Assert.ThrowsAny<StethoscopeException>(() => PretrainedResNet18.Get(root.Path, _ => throw new InvalidOperationException("must not fetch")));
        Assert.EndsWith("; or run with --force to fetch it again", get.Message);
    }

    [Fact]
    public void A_file_cut_short_or_changed_is_corrupt()
    {
        using var root = new TempDirectory();
        Directory.CreateDirectory(Folder(root));
        File.WriteAllText(Path.Combine(Folder(root), "graph.onnx"), "graph");
        File.WriteAllText(Path.Combine(Folder(root), "weights.safetensors"), "weights");
        File.WriteAllText(Path.Combine(Folder(root), "manifest.json"), """
            {"Package":"p","Version":"v","Files":{
              "weights.safetensors":{"Bytes":64249900,"Sha256":"0000"},
              "graph.onnx":{"Bytes":5,"Sha256":"0000"}}}
            """);
        Assert.Contains("(weights.safetensors has 7 bytes instead of 64249900)", Assert.ThrowsAny<StethoscopeException>(() => PretrainedResNet18.Load(root.Path)).Message);
        File.WriteAllText(Path.Combine(Folder(root), "manifest.json"), """
            {"Package":"p","Version":"v","Files":{
              "graph.onnx":{"Bytes":5,"Sha256":"0000"},
              "weights.safetensors":{"Bytes":7,"Sha256":"0000"}}}
            """);
        Assert.Contains("(graph.onnx does not match its SHA-256 in manifest.json)", Assert.ThrowsAny<StethoscopeException>(() => PretrainedResNet18.Load(root.Path)).Message);
        File.WriteAllText(Path.Combine(Folder(root), "manifest.json"), "{ not json");
        Assert.Contains("(manifest.json is not valid JSON)", Assert.ThrowsAny<StethoscopeException>(() => PretrainedResNet18.Load(root.Path)).Message);
    }

    [Fact]
    public void A_fetch_that_fails_or_brings_the_wrong_files_leaves_nothing_behind()
    {
        using var root = new TempDirectory();
        Assert.Equal("offline", Assert.Throws<StethoscopeException>(() => PretrainedResNet18.Get(root.Path, _ => throw new StethoscopeException("offline"))).Message);
        Assert.Empty(Directory.GetFileSystemEntries(root.Path));
        var error = Assert.ThrowsAny<StethoscopeException>(() => PretrainedResNet18.Get(root.Path, folder =>
        {
            var onnx = Path.Combine(folder, "tools", "DnnImageModels", "ResNet18Onnx");
            Directory.CreateDirectory(onnx);
            File.Copy(OnnxFixtures.Path("cnn-ops-opset13"), Path.Combine(onnx, "ResNet18.onnx"));
            return folder;
        }));
        Assert.EndsWith("ResNet18.onnx: not the expected network (input [1x3x224x224], output [1x512x1x1])", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(root.Path));
    }
}
