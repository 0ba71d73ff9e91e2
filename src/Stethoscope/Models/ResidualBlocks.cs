using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// ResNet's basic block (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016): two 3x3
/// convolutions with BatchNorm, the first carrying the stride, plus a shortcut (the input itself, or
/// <c>downsample</c> = 1x1 convolution and BatchNorm where the shape changes), added before the last ReLU. Children
/// and parameters are named as in torchvision (<c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>conv2</c>, <c>bn2</c>,
/// <c>downsample.0</c>, <c>downsample.1</c>), so its state dict loads theirs.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>, IReceptiveFieldGraph
{
    /// <summary>Output channels per input channel of the block's width (1: output = planes).</summary>
    public const int Expansion = 1;

    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly ReLU relu;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;

    public BasicBlock(long inplanes, long planes, long stride = 1) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu = nn.ReLU();
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        downsample = ResNet.Shortcut(inplanes, planes * Expansion, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var main = bn2.call(conv2.call(relu.call(bn1.call(conv1.call(x)))));
        var shortcut = downsample is null ? x : downsample.call(x);
        return relu.call(main + shortcut).MoveToOuterDisposeScope();
    }

    public CodeTensor? Describe(string? child) =>
        child == "relu" ? CodeTensor.Sum("bn2", downsample is null ? "" : "downsample") : null;
}

/// <summary>
/// ResNet's bottleneck block (He et al., CVPR 2016) as torchvision builds it ("ResNet v1.5": the stride sits on the
/// 3x3 convolution, not the first 1x1): 1x1 reduce, 3x3, 1x1 expand by 4, each with BatchNorm, plus a shortcut added
/// before the last ReLU. Names as in torchvision (<c>conv1</c> … <c>bn3</c>, <c>relu</c>, <c>downsample.0/1</c>).
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>, IReceptiveFieldGraph
{
    /// <summary>Output channels are four times the block's width.</summary>
    public const int Expansion = 4;

    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Conv2d conv3;
    readonly BatchNorm2d bn3;
    readonly ReLU relu;
    readonly Sequential? downsample;

    public Bottleneck(long inplanes, long planes, long stride = 1) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = nn.BatchNorm2d(planes * Expansion);
        relu = nn.ReLU();
        downsample = ResNet.Shortcut(inplanes, planes * Expansion, stride);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var main = relu.call(bn1.call(conv1.call(x)));
        main = relu.call(bn2.call(conv2.call(main)));
        main = bn3.call(conv3.call(main));
        var shortcut = downsample is null ? x : downsample.call(x);
        return relu.call(main + shortcut).MoveToOuterDisposeScope();
    }

    public CodeTensor? Describe(string? child) =>
        child == "relu" ? CodeTensor.Sum("bn3", downsample is null ? "" : "downsample") : null;
}
