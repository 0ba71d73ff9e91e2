using System.Text.Json;
using Stethoscope.Onnx;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Onnx;

/// <summary>Every command that takes <c>--model</c> also takes <c>onnx:PATH</c> (on a small exported fixture) and
/// <c>resnet18-imagenet</c> (where the model cache has it).</summary>
public class OnnxCommandTests
{
    static readonly string Fixture = $"onnx:{OnnxFixtures.Path("cnn-ops-opset13")}";

    [Fact]
    public void Summary_rf_filters_activations_erf_and_hypercolumns_take_an_onnx_file()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = Invoke("rf", "--model", Fixture, "--json");
        Assert.True(code == 0, error);
        var rows = JsonDocument.Parse(output).RootElement.GetProperty("layers").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(5, rows["conv1_Conv"].GetProperty("receptive_field").GetInt32());
        Assert.Equal(0, Invoke("summary", "--model", Fixture).Code);
        Assert.Equal(0, Invoke("filters", "--model", Fixture, "--layer", "conv2_Conv", "--out", temp["f.png"]).Code);
        Assert.True(File.Exists(temp["f.png"]));
        (code, _, error) = Invoke("activations", "--model", Fixture, "--image", Photograph.Path, "--layer", "LeakyRelu", "--device", "cpu", "--out", temp["a.png"]);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(temp["a.png"]));
        (code, output, error) = Invoke("erf", "--model", Fixture, "--layer", "pool1_MaxPool", "--samples", "2", "--batch-size", "2", "--device", "cpu", "--json");
        Assert.True(code == 0, error);
        Assert.True(JsonDocument.Parse(output).RootElement.GetProperty("sigma_x").GetDouble() > 0);
        (code, _, error) = Invoke("hypercolumns", "--model", Fixture, "--image", Photograph.Path, "--layers", "Relu,LeakyRelu", "--clusters", "2", "--device", "cpu", "--out", temp["hc"]);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(temp["hc"], "clusters.png")));
    }

    [Fact]
    public void Bad_model_spellings_and_run_model_mixups_are_one_line()
    {
        Assert.Contains("no such ONNX file", AssertOneLineError(1, Invoke("summary", "--model", "onnx:/nonexistent/x.onnx")));
        Assert.Contains("names no file", AssertOneLineError(1, Invoke("rf", "--model", "onnx:")));
        Assert.Contains("give a RUN (a run folder or checkpoint) or --model NAME", AssertOneLineError(2, Invoke("filters")));
        Assert.Contains("not both", AssertOneLineError(2, Invoke("filters", "somewhere", "--model", Fixture)));
        Assert.Contains("--gradients needs a RUN", AssertOneLineError(2, Invoke("filters", "--model", Fixture, "--gradients")));
        Assert.Contains("available: resnet18-imagenet", AssertOneLineError(2, Invoke("models", "get", "vgg16")));
    }

    [RealResNet18Fact]
    public void The_pretrained_network_draws_its_stem_and_feature_maps_and_gives_exact_fields()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = Invoke("rf", "--model", PretrainedResNet18.Name, "--json");
        Assert.True(code == 0, error);
        var rows = JsonDocument.Parse(output).RootElement.GetProperty("layers").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal((7, 2, -3), (rows["Convolution249"].GetProperty("receptive_field").GetInt32(), rows["Convolution249"].GetProperty("jump").GetInt32(), rows["Convolution249"].GetProperty("start").GetInt32()));
        Assert.Equal(563, rows["ReLU393"].GetProperty("receptive_field").GetInt32());
        (code, _, error) = Invoke("filters", "--model", PretrainedResNet18.Name, "--out", temp["stem.png"]);
        Assert.True(code == 0, error);
        (code, _, error) = Invoke("activations", "--model", PretrainedResNet18.Name, "--image", Photograph.Path, "--layer", "ReLU253", "--device", "cpu", "--out", temp["maps.png"]);
        Assert.True(code == 0, error);
        Assert.True(new FileInfo(temp["stem.png"]).Length > 1000 && new FileInfo(temp["maps.png"]).Length > 1000);
    }
}
