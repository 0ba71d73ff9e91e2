using Stethoscope.Analysis;
using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Onnx;

public class PretrainedResNet18Tests
{
    static string RealFolder => PretrainedResNet18.Folder(ModelCache.Root);

    /// <summary>A fetcher that lays out the package from the files of the real cache, as NuGet would.</summary>
    static string FromRealCache(string folder)
    {
        var package = Path.Combine(folder, "package");
        foreach (var (file, sub) in new[] { ("ResNet18.onnx", "ResNet18Onnx"), ("ResNetPreprocess.onnx", "ResNetPrepOnnx") })
        {
            Directory.CreateDirectory(Path.Combine(package, "tools", "DnnImageModels", sub));
            File.Copy(Path.Combine(RealFolder, file), Path.Combine(package, "tools", "DnnImageModels", sub, file));
        }
        return package;
    }

    [RealResNet18Fact]
    public void Getting_it_twice_converts_once_and_the_result_equals_OnnxRuntime_on_random_inputs_and_a_photograph()
    {
        using var root = new TempDirectory();
        Assert.Equal(CacheOutcome.Installed, PretrainedResNet18.Get(root.Path, FromRealCache));
        var manifest = File.ReadAllText(Path.Combine(PretrainedResNet18.Folder(root.Path), "manifest.json"));
        var written = File.GetLastWriteTimeUtc(Path.Combine(PretrainedResNet18.Folder(root.Path), "weights.safetensors"));
        Assert.Equal(CacheOutcome.AlreadyThere, PretrainedResNet18.Get(root.Path, _ => throw new InvalidOperationException("fetched twice")));
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(PretrainedResNet18.Folder(root.Path), "manifest.json")));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(PretrainedResNet18.Folder(root.Path), "weights.safetensors")));
        Assert.Single(Directory.GetFileSystemEntries(root.Path));

        using var model = PretrainedResNet18.Load(root.Path);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var photo = ImageFile.LoadResized(Photograph.Path, PretrainedResNet18.Input).unsqueeze(0);
        var random = rand([2, 3, 224, 224], generator: new Generator(11));
        var preprocess = File.ReadAllBytes(Path.Combine(RealFolder, "ResNetPreprocess.onnx"));
        var network = File.ReadAllBytes(Path.Combine(RealFolder, "ResNet18.onnx"));
        foreach (var pixels in new[] { photo, random[0..1], random[1..2] })
        {
            var expected = OnnxOracle.Run(network, OnnxOracle.Run(preprocess, pixels.mul(255)));
            var actual = model.call(pixels);
            Assert.Equal([1L, 512, 1, 1], actual.shape);
            Assert.InRange(OnnxOracle.RelativeError(actual, expected), 0, 1e-4);
        }
    }

    [RealResNet18Fact]
    public void The_original_file_imports_as_onnx_PATH_and_its_receptive_fields_match_the_impulse_check()
    {
        var recipe = ModelRegistry.Find($"onnx:{PretrainedResNet18.NetworkPath(ModelCache.Root)}");
        Assert.Equal(new InputShape(3, 224, 224), recipe.DefaultInput);
        using var model = recipe.Create(new ModelRequest(recipe.DefaultInput), 0);
        var fields = ReceptiveFieldTable.Of(model, recipe.DefaultInput).ToDictionary(r => r.Layer);
        // CNTK's "same" pads put the extra pixel before: the stem starts 3 pixels before the image, as torchvision's.
        Assert.Equal((7, 2, -3), (fields["Convolution249"].Size, fields["Convolution249"].Jump, fields["Convolution249"].Start));
        Assert.Equal((11, 4, -5), (fields["Pooling255"].Size, fields["Pooling255"].Jump, fields["Pooling255"].Start));
        Assert.Equal((211, 16, -105), (fields["ReLU347"].Size, fields["ReLU347"].Jump, fields["ReLU347"].Start));
        Assert.Equal((563, 32, -281), (fields["ReLU393"].Size, fields["ReLU393"].Jump, fields["ReLU393"].Start));
        // The brute force on the stem and layer1 (the graph cut after ReLU283), at 64x64 to stay fast: the asymmetric
        // pads of the stem and the max pool decide where every later window starts.
        var proto = OnnxImport.Read(PretrainedResNet18.NetworkPath(ModelCache.Root));
        var cut = proto.Graph.Node.TakeWhile(n => n.Name != "Convolution295").ToArray();
        proto.Graph.Node.Clear();
        proto.Graph.Node.AddRange(cut);
        proto.Graph.Output[0].Name = "ReLU283_Output_0";
        using var stem = OnnxImport.FromProto(proto, "layer1");
        var small = new InputShape(3, 64, 64);
        var table = ReceptiveFieldTable.Of(stem, small).Where(r => r.Kind == ReceptiveFieldKind.Window).ToArray();
        Assert.Equal(43, table[^1].Size);
        var reach = Analysis.ImpulseResponse.Measure(stem, small);
        foreach (var row in table)
        {
            var seen = reach[row.Layer];
            var (first, last) = row.WindowOf((int)(seen.OutputShape[1] - 1) / 2);
            if (first > 31 || last < 31)
                continue;
            Assert.Equal(Enumerable.Range(Math.Max(0, first), Math.Min(63, last) - Math.Max(0, first) + 1), seen.Rows);
            Assert.Equal(seen.Rows, seen.Columns);
        }
    }
}
