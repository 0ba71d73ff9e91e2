using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// A residual network (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016) in torchvision's layout
/// and names: <c>conv1</c>, <c>bn1</c>, <c>relu</c>, <c>maxpool</c> (3/2/1), <c>layer1</c> … <c>layer4</c> of
/// <see cref="BasicBlock"/>s or <see cref="Bottleneck"/>s, <c>avgpool</c> (adaptive, to 1x1) and <c>fc</c>, so a
/// torchvision state dict loads by name (<see cref="WeightFile"/>). <see cref="Digits"/> is a small member of the
/// family for 28x28 grey digits that trains on two CPU cores.
/// </summary>
public sealed class ResNet : nn.Module<Tensor, Tensor>, IReceptiveFieldGraph
{
    readonly nn.Module<Tensor, Tensor> conv1;
    readonly BatchNorm2d bn1;
    readonly ReLU relu;
    readonly nn.Module<Tensor, Tensor>? maxpool;
    readonly Sequential layer1;
    readonly Sequential? layer2;
    readonly Sequential? layer3;
    readonly Sequential? layer4;
    readonly AdaptiveAvgPool2d avgpool;
    readonly Linear fc;

    ResNet(string name, nn.Module<Tensor, Tensor> stem, long stemChannels, bool maxPool, Func<long, long, long, nn.Module<Tensor, Tensor>> block,
        int expansion, IReadOnlyList<(int Blocks, long Planes, long Stride)> stages, long classes) : base(name)
    {
        conv1 = stem;
        bn1 = nn.BatchNorm2d(stemChannels);
        relu = nn.ReLU();
        maxpool = maxPool ? nn.MaxPool2d(3, stride: 2, padding: 1) : null;
        var inplanes = stemChannels;
        var layers = new List<Sequential>();
        foreach (var (blocks, planes, stride) in stages)
        {
            var layer = nn.Sequential();
            for (var i = 0; i < blocks; i++)
            {
                layer.append($"{i}", block(inplanes, planes, i == 0 ? stride : 1));
                inplanes = planes * expansion;
            }
            layers.Add(layer);
        }
        layer1 = layers[0];
        layer2 = layers.ElementAtOrDefault(1);
        layer3 = layers.ElementAtOrDefault(2);
        layer4 = layers.ElementAtOrDefault(3);
        avgpool = nn.AdaptiveAvgPool2d([1, 1]);
        fc = nn.Linear(inplanes, classes);
        RegisterComponents();
        Initialize();
    }

    /// <summary>torchvision's initialisation: He-normal convolutions (fan out, ReLU gain), BatchNorm scale 1 and
    /// shift 0; the linear layer keeps the default.</summary>
    void Initialize()
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv)
                nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else if (module is BatchNorm2d norm)
            {
                nn.init.ones_(norm.weight);
                nn.init.zeros_(norm.bias);
            }
        }
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = relu.call(bn1.call(conv1.call(input)));
        if (maxpool is not null)
            x = maxpool.call(x);
        foreach (var layer in new[] { layer1, layer2, layer3, layer4 })
            if (layer is not null)
                x = layer.call(x);
        // torchvision flattens in code, not with a module: keep that so module paths match named_modules() there.
        var flat = avgpool.call(x).flatten(1);
        return fc.call(flat).MoveToOuterDisposeScope();
    }

    public CodeTensor? Describe(string? child) => child == "fc" ? CodeTensor.Flatten("avgpool") : null;

    /// <summary><c>resnet18</c>: torchvision's ResNet-18 for 3x224x224 images and 1,000 classes by default.</summary>
    public static ModelRecipe Resnet18Recipe { get; } = new("resnet18",
        "ResNet-18 (torchvision layout and names): 7x7 stem, max-pool, basic blocks 2-2-2-2, BatchNorm, fc",
        new InputShape(3, 224, 224), Objective.ClassScores, ResNet18);

    /// <summary><c>resnet50</c>: torchvision's ResNet-50 (v1.5) for 3x224x224 images and 1,000 classes by default.</summary>
    public static ModelRecipe Resnet50Recipe { get; } = new("resnet50",
        "ResNet-50 (torchvision layout and names, v1.5): bottleneck blocks 3-4-6-3, stride on the 3x3 conv",
        new InputShape(3, 224, 224), Objective.ClassScores, ResNet50);

    /// <summary><c>resnet-digits</c>: <see cref="Digits"/>, a residual network with BatchNorm that trains on 2 cores.</summary>
    public static ModelRecipe DigitsRecipe { get; } = new("resnet-digits",
        "small residual network for 28x28 digits: conv-BN-ReLU 16, max-pool, basic block 16, strided basic block 32 with 1x1 downsample, avg pool, fc 10",
        new InputShape(1, 28, 28), Objective.ClassScores, Digits);

    /// <summary>The shortcut of a block whose shape changes: 1x1 convolution with the block's stride, then BatchNorm;
    /// null when the input can be added as it is.</summary>
    internal static Sequential? Shortcut(long inplanes, long outplanes, long stride) =>
        stride == 1 && inplanes == outplanes
            ? null
            : nn.Sequential(("0", nn.Conv2d(inplanes, outplanes, 1, stride: stride, bias: false)), ("1", nn.BatchNorm2d(outplanes)));

    static ResNet ImageNet(string name, Func<long, long, long, nn.Module<Tensor, Tensor>> block, int expansion, int[] blocks, ModelRequest request) =>
        new(name, nn.Conv2d(request.Input.Channels, 64, 7, stride: 2, padding: 3, bias: false), 64, maxPool: true, block, expansion,
            [(blocks[0], 64, 1), (blocks[1], 128, 2), (blocks[2], 256, 2), (blocks[3], 512, 2)], request.Classes ?? 1000);

    /// <summary>ResNet-18: basic blocks 2-2-2-2, 11.7 M parameters at 1,000 classes (torchvision's <c>resnet18</c>).</summary>
    public static ResNet ResNet18(ModelRequest request) =>
        ImageNet("resnet18", (i, p, s) => new BasicBlock(i, p, s), BasicBlock.Expansion, [2, 2, 2, 2], request);

    /// <summary>ResNet-50: bottleneck blocks 3-4-6-3, 25.6 M parameters at 1,000 classes (torchvision's <c>resnet50</c>).</summary>
    public static ResNet ResNet50(ModelRequest request) =>
        ImageNet("resnet50", (i, p, s) => new Bottleneck(i, p, s), Bottleneck.Expansion, [3, 4, 6, 3], request);

    /// <summary>
    /// A CPU-sized residual network for 28x28 digits: a 3x3 conv–BatchNorm–ReLU stem of 16 channels and torchvision's
    /// 3/2/1 max-pool (so the blocks run at 14x14, four times cheaper, and the last block's units see 25 of the 28
    /// pixels before the average: with a 13-pixel field, averaging loses where strokes are), a basic block at 16
    /// channels, a strided basic block to 32 channels with a 1x1 downsample, adaptive average pooling and <c>fc</c> to
    /// 10 classes (raw scores): 19,706 parameters.
    /// </summary>
    public static ResNet Digits(ModelRequest request) =>
        new("resnet-digits", nn.Conv2d(request.Input.Channels, 16, 3, padding: 1, bias: false), 16, maxPool: true,
            (i, p, s) => new BasicBlock(i, p, s), BasicBlock.Expansion, [(1, 16, 1), (1, 32, 2)], request.Classes ?? 10);
}
