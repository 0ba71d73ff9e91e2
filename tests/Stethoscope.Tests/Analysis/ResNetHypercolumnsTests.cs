using System.Text.Json;
using Stethoscope.Analysis;
using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Analysis;

/// <summary>
/// ResNet-18's hypercolumns against PyTorch's on the same weights and input: <c>tools/resnet18-reference/make.py</c>
/// (Debian's python3-torch) wrote <c>resnet18-hypercolumns.json</c>; the weights come from a formula both sides
/// compute, so no weight file is committed. Module paths, torchvision's parameter names, BatchNorm in evaluation mode,
/// the residual additions and bilinear upsampling are all checked at once.
/// </summary>
public class ResNetHypercolumnsTests
{
    static readonly string[] Layers = ["maxpool", "layer1", "layer2", "layer3", "layer4"];

    /// <summary>The script's formula: tensor k in ordinal order of names, element i: a sine scaled per kind.</summary>
    static void Fill(nn.Module model)
    {
        using var noGrad = no_grad();
        var state = model.state_dict();
        var names = state.Keys.Where(n => !n.EndsWith("num_batches_tracked", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        for (var k = 0; k < names.Length; k++)
        {
            var (name, t) = (names[k], state[names[k]]);
            var norm = name.StartsWith("bn", StringComparison.Ordinal) || name.Contains(".bn", StringComparison.Ordinal) || name.Contains(".downsample.1.", StringComparison.Ordinal);
            var positive = norm && (name.EndsWith(".weight", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal));
            var scale = norm || t.dim() < 2 ? 0.1 : 1 / Math.Sqrt((double)t.numel() / t.shape[0]);
            var values = new double[t.numel()];
            for (var i = 0; i < values.Length; i++)
            {
                var wave = Math.Sin(1.3 * i + 0.7 * k);
                values[i] = positive ? 1 + 0.5 * wave : scale * wave;
            }
            using var source = tensor(values).reshape(t.shape).to(t.dtype);
            t.copy_(source);
        }
    }

    [Fact]
    public void ResNet18_hypercolumns_equal_PyTorch_s_on_the_same_weights_and_input()
    {
        using var scope = NewDisposeScope();
        var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Analysis", "resnet18-hypercolumns.json"))).RootElement;
        using var model = ModelRegistry.Find("resnet18").Create(new ModelRequest(new InputShape(3, 224, 224)), seed: 0);
        Fill(model);
        var input = zeros(3, 32, 32, dtype: float64);
        for (var c = 0; c < 3; c++)
        {
            for (var r = 0; r < 32; r++)
            {
                for (var col = 0; col < 32; col++)
                    input[c, r, col] = Math.Sin(0.3 * col + 0.5 * r + c);
            }
        }
        var columns = Hypercolumns.Extract(model, input.to(float32), Layers, CPU);
        Assert.Equal(new long[] { 64 + 64 + 128 + 256 + 512, 32, 32 }, columns.shape);
        AssertClose(reference.GetProperty("mean"), columns.mean([1, 2]));
        var pixels = reference.GetProperty("pixels").EnumerateArray().Select(p => (p[0].GetInt32(), p[1].GetInt32())).ToArray();
        var at = reference.GetProperty("at").EnumerateArray().ToArray();
        for (var p = 0; p < pixels.Length; p++)
            AssertClose(at[p], columns[TensorIndex.Colon, pixels[p].Item1, pixels[p].Item2]);
    }

    /// <summary>Float32 on two libtorch versions (1.13 and 2.10) and two BLAS builds: equal to 1e-4 of the scale.</summary>
    static void AssertClose(JsonElement expected, Tensor actual)
    {
        var want = expected.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var got = actual.to(float64).data<double>().ToArray();
        Assert.Equal(want.Length, got.Length);
        var worst = want.Zip(got, (w, g) => Math.Abs(w - g) / (1e-3 + Math.Abs(w))).Max();
        Assert.True(worst < 1e-4, $"largest relative difference {worst:E2}");
    }
}
