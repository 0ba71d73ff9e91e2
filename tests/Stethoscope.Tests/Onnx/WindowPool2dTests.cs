using Stethoscope.Onnx;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Onnx;

public class WindowPool2dTests
{
    public static TheoryData<long[], long[], long[], long[], bool> Windows => new()
    {
        // kernel, strides, dilations, pads (top, left, bottom, right), ceil mode
        { [3, 3], [2, 2], [1, 1], [1, 1, 0, 0], false },
        { [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], false },
        { [3, 3], [3, 3], [1, 1], [2, 0, 0, 2], true },
        { [2, 3], [1, 2], [2, 1], [0, 1, 1, 0], true },
        { [1, 1], [2, 2], [1, 1], [0, 0, 0, 0], false },
        { [2, 2], [2, 2], [1, 1], [0, 0, 0, 0], false },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void Without_gradients_the_maximum_pool_gives_exactly_the_values_of_libtorchs_pooling(long[] kernel, long[] strides, long[] dilations, long[] pads, bool ceil)
    {
        using var scope = NewDisposeScope();
        using var pool = new WindowPool2d(max: true, kernel, strides, dilations, pads, ceil, countIncludePad: false);
        var x = randn([2, 3, 11, 9], generator: new Generator(7));
        x[0, 1, 4, 4] = tensor(float.NaN);
        var recorded = pool.call(x.requires_grad_(true));
        Tensor fast;
        using (no_grad())
            fast = pool.call(x);
        Assert.Equal(recorded.shape, fast.shape);
        Assert.True(recorded.detach().isnan().eq(fast.isnan()).all().item<bool>());
        Assert.True(recorded.detach().nan_to_num(0).eq(fast.nan_to_num(0)).all().item<bool>());
        Assert.True(fast.isnan().any().item<bool>());
    }
}
