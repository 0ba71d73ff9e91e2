using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Onnx;

/// <summary>ONNX's <c>MaxPool</c>, <c>AveragePool</c>, <c>GlobalAveragePool</c> and <c>GlobalMaxPool</c>.</summary>
static class PoolingOperators
{
    public static void MaxPool(NodeContext node)
    {
        node.OnlyOutputs(1);
        if (node.Attributes.Int("storage_order", 0) != 0)
            throw node.Unsupported("storage_order 1 (column-major indices) is not supported");
        Pool(node, max: true);
    }

    public static void AveragePool(NodeContext node) => Pool(node, max: false);

    static void Pool(NodeContext node, bool max)
    {
        var window = SlidingWindow.Read(node, null, dilations: max || node.Attributes.Has("dilations"));
        if (!max && window.Dilations.Any(d => d != 1))
            throw node.Unsupported("a dilated average pool is not supported");
        var ceil = node.Attributes.Int("ceil_mode", 0) != 0;
        var countPads = !max && node.Attributes.Int("count_include_pad", 0) != 0;
        node.Module(new WindowPool2d(max, window.Kernel, window.Strides, window.Dilations, window.Pads, ceil, countPads));
    }

    public static void GlobalAveragePool(NodeContext node) => node.Module(nn.AdaptiveAvgPool2d([1, 1]));

    public static void GlobalMaxPool(NodeContext node) => node.Module(nn.AdaptiveMaxPool2d([1, 1]));
}
