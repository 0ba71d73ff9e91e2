using Stethoscope.Data;
using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Models;

public class WeightFileTests
{
    static LayerStack Seed(long seed) => (LayerStack)MnistNet.Recipe.Create(new ModelRequest(new InputShape(1, 28, 28)), seed);

    [Fact]
    public void Export_and_import_give_identical_outputs()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        using var original = Seed(1);
        using var copy = Seed(2);
        WeightFile.Save(original, temp["w.safetensors"]);
        WeightFile.Load(copy, temp["w.safetensors"]);
        original.eval();
        copy.eval();
        var x = randn(4, 1, 28, 28);
        Assert.True(original.call(x).eq(copy.call(x)).all().item<bool>());
        var read = Safetensors.Read(temp["w.safetensors"]);
        Assert.Equal(original.state_dict().Keys.Order(), read.Keys.Order());
        Assert.Equal(new long[] { 20, 1, 5, 5 }, read["conv1.weight"].shape);
    }

    [Fact]
    public void Missing_unexpected_and_misshaped_tensors_are_listed_and_nothing_is_loaded()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        using var model = Seed(1);
        var state = model.state_dict().ToDictionary(p => p.Key, p => p.Value);
        state.Remove("fc2.bias");
        state["extra.weight"] = zeros(3);
        state["conv1.weight"] = zeros(20, 1, 3, 3);
        Safetensors.Write(temp["bad.safetensors"], state);
        using var target = Seed(2);
        var before = target.state_dict()["conv2.weight"].clone();
        var error = Assert.Throws<StethoscopeException>(() => WeightFile.Load(target, temp["bad.safetensors"])).Message;
        Assert.Contains("missing: fc2.bias", error);
        Assert.Contains("unexpected: extra.weight", error);
        Assert.Contains("mis-shaped: conv1.weight [20x1x3x3] where the model has [20x1x5x5]", error);
        Assert.True(before.eq(target.state_dict()["conv2.weight"]).all().item<bool>());
    }

    [Fact]
    public void Broken_files_are_one_clear_error()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp["short"], [1, 2, 3]);
        Assert.Contains("too short to be a safetensors file", Assert.Throws<DataFormatException>(() => Safetensors.Read(temp["short"])).Message);
        File.WriteAllBytes(temp["huge"], [.. BitConverter.GetBytes(1_000_000L), .. "{}"u8.ToArray()]);
        Assert.Contains("not a safetensors file (header length 1000000", Assert.Throws<DataFormatException>(() => Safetensors.Read(temp["huge"])).Message);
        File.WriteAllBytes(temp["json"], [.. BitConverter.GetBytes(4L), .. "{x:1"u8.ToArray()]);
        Assert.Contains("header is not valid JSON", Assert.Throws<DataFormatException>(() => Safetensors.Read(temp["json"])).Message);
        var header = """{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}"""u8.ToArray();
        File.WriteAllBytes(temp["range"], [.. BitConverter.GetBytes((long)header.Length), .. header, .. new byte[8]]);
        Assert.Contains("tensor 'a': 4 F32 values do not fit bytes 0..8", Assert.Throws<DataFormatException>(() => Safetensors.Read(temp["range"])).Message);
        Assert.Contains("no such safetensors file", Assert.Throws<DataFormatException>(() => Safetensors.Read(temp["none"])).Message);
    }

    [Fact]
    public void Half_and_bfloat16_tensors_are_read_as_float32()
    {
        using var temp = new TempDirectory();
        var header = """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}"""u8.ToArray();
        byte[] data = [.. BitConverter.GetBytes((Half)1.5), .. BitConverter.GetBytes((Half)(-2)), .. BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(3.25f) >> 16))];
        File.WriteAllBytes(temp["mixed"], [.. BitConverter.GetBytes((long)header.Length), .. header, .. data]);
        var read = Safetensors.Read(temp["mixed"]);
        Assert.Equal(new float[] { 1.5f, -2f }, read["h"].data<float>().ToArray());
        Assert.Equal(3.25f, read["b"].item<float>());
    }

    [Fact]
    public void Tensors_are_streamed_to_the_file_in_chunks_byte_for_byte_as_the_format_lays_them_out()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        // 10 values in chunks of 3 leave a short last chunk; the transposed view is not contiguous, so it must be
        // copied into row-major order first: [[0, 2, 4], [1, 3, 5]].
        var tensors = new Dictionary<string, Tensor>
        {
            ["b"] = arange(10, float32).mul(0.5f).sub(1f),
            ["a"] = arange(6, float32).view(3, 2).t(),
        };
        Safetensors.Write(temp["chunked"], tensors, chunkValues: 3);
        var json = """{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"F32","shape":[10],"data_offsets":[24,64]}}""";
        var header = System.Text.Encoding.UTF8.GetBytes(json.PadRight((json.Length + 7) / 8 * 8));
        float[] values = [0, 2, 4, 1, 3, 5, -1, -0.5f, 0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f];
        byte[] expected = [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. values.SelectMany(BitConverter.GetBytes)];
        Assert.Equal(expected, File.ReadAllBytes(temp["chunked"]));
        Safetensors.Write(temp["whole"], tensors);
        Assert.Equal(expected, File.ReadAllBytes(temp["whole"]));
        var read = Safetensors.Read(temp["chunked"]);
        Assert.Equal(new long[] { 2, 3 }, read["a"].shape);
        Assert.Equal(values[..6], read["a"].data<float>().ToArray());
        Assert.Equal(values[6..], read["b"].data<float>().ToArray());
    }

    [Fact]
    public void Torchvision_vgg16_names_map_onto_ours()
    {
        using var vgg = Vgg16.Build(new ModelRequest(new InputShape(3, 32, 32)));
        var names = WeightFile.TorchvisionNames(vgg);
        Assert.Equal(32, names.Count);
        Assert.Equal("conv1_1.weight", names["features.0.weight"]);
        Assert.Equal("conv2_1.bias", names["features.5.bias"]);
        Assert.Equal("conv5_3.weight", names["features.28.weight"]);
        Assert.Equal("fc6.weight", names["classifier.0.weight"]);
        Assert.Equal("fc7.bias", names["classifier.3.bias"]);
        Assert.Equal("fc8.bias", names["classifier.6.bias"]);
        using var mnist = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        Assert.Empty(WeightFile.TorchvisionNames(mnist));
    }
}
