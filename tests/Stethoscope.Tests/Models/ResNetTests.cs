using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Models;

public class ResNetTests
{
    [Fact]
    public void Resnet18_has_torchvisions_state_dict_names_and_parameter_count()
    {
        using var model = ResNet.ResNet18(new ModelRequest(new InputShape(3, 224, 224)));
        var state = model.state_dict();
        // torchvision's resnet18: 62 parameter tensors, 20 BatchNorms × 3 buffers, 11,689,512 parameters.
        Assert.Equal(122, state.Count);
        Assert.Equal(11_689_512, model.parameters().Sum(p => p.numel()));
        Assert.Contains("bn1.running_mean", state.Keys);
        Assert.Contains("layer1.0.conv1.weight", state.Keys);
        Assert.Contains("layer2.0.downsample.0.weight", state.Keys);
        Assert.Contains("layer4.1.bn2.num_batches_tracked", state.Keys);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", state.Keys);
        Assert.Equal([512, 256, 3, 3], state["layer4.0.conv1.weight"].shape);
        Assert.Equal([1000, 512], state["fc.weight"].shape);
        Assert.Equal(["conv1", "bn1", "relu", "maxpool", "layer1", "layer1.0", "layer1.0.conv1", "layer1.0.bn1", "layer1.0.relu", "layer1.0.conv2", "layer1.0.bn2"],
            ModuleTree.Of(model).Take(11).Select(m => m.Path));
        Assert.Equal(["layer4.1.bn2", "avgpool", "fc"], ModuleTree.Of(model).TakeLast(3).Select(m => m.Path));
    }

    [Fact]
    public void Resnet50_has_bottlenecks_with_the_stride_on_the_3x3_convolution()
    {
        using var model = ResNet.ResNet50(new ModelRequest(new InputShape(3, 224, 224), Classes: 10));
        var state = model.state_dict();
        // torchvision's resnet50 (25,557,032 parameters at 1,000 classes): 161 parameter tensors + 53 BatchNorms × 3.
        Assert.Equal(320, state.Count);
        Assert.Equal(25_557_032 - 2048 * 990 - 990, model.parameters().Sum(p => p.numel()));
        Assert.Equal([128, 256, 1, 1], state["layer2.0.conv1.weight"].shape);
        Assert.Equal([512, 128, 1, 1], state["layer2.0.conv3.weight"].shape);
        var trace = ModelTrace.Of(model, new InputShape(3, 64, 64));
        Assert.Equal([128, 16, 16], trace.Find("layer2.0.conv1").OutputShape!);
        Assert.Equal([128, 8, 8], trace.Find("layer2.0.conv2").OutputShape!);
        Assert.Equal([10], trace.Find("fc").OutputShape!);
    }

    [Fact]
    public void Resnet_digits_is_small_and_classifies_28x28_digits()
    {
        using var model = ResNet.Digits(new ModelRequest(new InputShape(1, 28, 28)));
        var trace = ModelTrace.Of(model, new InputShape(1, 28, 28));
        Assert.Equal(19_706, trace.Parameters);
        Assert.Equal([32, 7, 7], trace.Find("layer2.0.downsample").OutputShape!);
        Assert.Equal([10], trace.Find("fc").OutputShape!);
        Assert.Empty(trace.Warnings);
        Assert.Equal(["conv1", "layer1.0.conv1", "layer1.0.conv2", "layer2.0.conv1", "layer2.0.conv2", "layer2.0.downsample.0", "fc"], trace.Weighted.Select(l => l.Path));
    }

    /// <summary>A safetensors file as PyTorch writes a state dict: floats as F32, <c>num_batches_tracked</c> as I64.</summary>
    static void WriteLikePyTorch(string path, Dictionary<string, Tensor> state)
    {
        var header = new JsonObject();
        var data = new MemoryStream();
        foreach (var (name, tensor) in state.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var integer = tensor.dtype == ScalarType.Int64;
            var start = data.Length;
            if (integer)
                foreach (var v in tensor.reshape(-1).data<long>().ToArray())
                    data.Write(BitConverter.GetBytes(v));
            else
                foreach (var v in tensor.reshape(-1).data<float>().ToArray())
                    data.Write(BitConverter.GetBytes(v));
            header[name] = new JsonObject
            {
                ["dtype"] = integer ? "I64" : "F32",
                ["shape"] = new JsonArray([.. tensor.shape.Select(d => (JsonNode)d)]),
                ["data_offsets"] = new JsonArray(start, data.Length),
            };
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var file = File.Create(path);
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)json.Length);
        file.Write(length);
        file.Write(json);
        data.Position = 0;
        data.CopyTo(file);
    }

    [Fact]
    public void A_torchvision_style_state_dict_loads_by_name_running_statistics_and_counters_included()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        using var trained = ResNet.Digits(new ModelRequest(new InputShape(1, 28, 28)));
        // Running statistics that differ from the initial ones, as after training.
        trained.train();
        using (no_grad())
            trained.call(randn(8, 1, 28, 28) * 3 + 1);
        trained.eval();
        WriteLikePyTorch(temp["digits.safetensors"], trained.state_dict());
        random.manual_seed(2);
        using var fresh = ResNet.Digits(new ModelRequest(new InputShape(1, 28, 28)));
        WeightFile.Load(fresh, temp["digits.safetensors"]);
        fresh.eval();
        var x = randn(4, 1, 28, 28);
        Assert.True(trained.call(x).eq(fresh.call(x)).all().item<bool>());
        Assert.Equal(1L, fresh.state_dict()["bn1.num_batches_tracked"].item<long>());

        // Without the counters (older PyTorch files) the state still loads.
        var withoutCounters = trained.state_dict().Where(s => !s.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToDictionary();
        WriteLikePyTorch(temp["old.safetensors"], withoutCounters);
        using var other = ResNet.Digits(new ModelRequest(new InputShape(1, 28, 28)));
        WeightFile.Load(other, temp["old.safetensors"]);
        other.eval();
        Assert.True(trained.call(x).eq(other.call(x)).all().item<bool>());

        // A running mean left out is named: statistics are part of the model.
        WriteLikePyTorch(temp["bad.safetensors"], withoutCounters.Where(s => s.Key != "layer1.0.bn2.running_var").ToDictionary());
        var error = Assert.Throws<StethoscopeException>(() => WeightFile.Load(other, temp["bad.safetensors"])).Message;
        Assert.Contains("does not fit resnet-digits: missing: layer1.0.bn2.running_var; nothing unexpected; nothing mis-shaped", error);
    }
}
