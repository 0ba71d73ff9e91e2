using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace Stethoscope.Tests.Onnx;

/// <summary>ONNX Runtime as the forward oracle of the import tests, and the comparison they share.</summary>
static class OnnxOracle
{
    /// <summary>ONNX Runtime's output for <paramref name="input"/> (float32, any shape).</summary>
    public static Tensor Run(byte[] model, Tensor input)
    {
        using var session = new InferenceSession(model);
        using var contiguous = input.contiguous().cpu();
        var dense = new DenseTensor<float>(contiguous.data<float>().ToArray(), [.. contiguous.shape.Select(d => (int)d)]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), dense)]);
        var output = results.First().AsTensor<float>();
        return tensor(output.ToArray(), [.. output.Dimensions.ToArray().Select(d => (long)d)]);
    }

    /// <summary>The largest absolute difference relative to the largest absolute expected value.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var scale = Math.Max(expected.abs().max().item<float>(), 1e-12);
        return actual.to(float64).sub(expected.to(float64)).abs().max().item<double>() / scale;
    }
}
