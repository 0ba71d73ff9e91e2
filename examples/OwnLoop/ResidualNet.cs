using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OwnLoop;

/// <summary>A basic residual block: two 3x3 convolutions with BatchNorm, and a 1x1 projection on the skip path when
/// the shape changes.</summary>
public sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;

    public ResidualBlock(string name, int input, int output, int stride)
        : base(name)
    {
        conv1 = nn.Conv2d(input, output, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(output);
        conv2 = nn.Conv2d(output, output, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(output);
        if (stride != 1 || input != output)
            downsample = nn.Sequential(nn.Conv2d(input, output, 1, stride: stride, bias: false), nn.BatchNorm2d(output));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.relu(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        return nn.functional.relu(y + (downsample?.call(x) ?? x));
    }
}

/// <summary>A small residual CNN for 28x28 grey digits: conv-BN-ReLU stem, two residual blocks (the second strided),
/// Dropout2d, adaptive average pooling and a linear head.</summary>
public sealed class ResidualNet : nn.Module<Tensor, Tensor>
{
    readonly Sequential stem = nn.Sequential(("conv", nn.Conv2d(1, 16, 3, padding: 1, bias: false)), ("bn", nn.BatchNorm2d(16)), ("relu", nn.ReLU()));
    readonly ResidualBlock layer1 = new("layer1", 16, 16, 1);
    readonly ResidualBlock layer2 = new("layer2", 16, 32, 2);
    readonly Dropout2d dropout = nn.Dropout2d(0.1);
    readonly AdaptiveAvgPool2d pool = nn.AdaptiveAvgPool2d(1);
    readonly Linear fc = nn.Linear(32, 10);

    public ResidualNet()
        : base("residual-net") => RegisterComponents();

    public override Tensor forward(Tensor x)
    {
        x = layer2.call(layer1.call(stem.call(x)));
        return fc.call(pool.call(dropout.call(x)).flatten(1));
    }
}
