using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace OneDnnNan;

/// <summary>
/// The seed's MNIST network written as plain TorchSharp (no Stethoscope): conv 20@5x5, ReLU, max-pool 2, conv 50@5x5,
/// ReLU, max-pool 2, fc 500, ReLU, fc 10, log-softmax. The forward pass is written out op by op so that a replay
/// can keep every convolution's input, output and gradients.
/// </summary>
static class SeedNet
{
    public static readonly string[] Names = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"];

    /// <summary>PyTorch's default initialisation of the four layers, from a seed.</summary>
    public static Dictionary<string, Tensor> Initial(long seed)
    {
        manual_seed(seed);
        using var conv1 = nn.Conv2d(1, 20, 5);
        using var conv2 = nn.Conv2d(20, 50, 5);
        using var fc1 = nn.Linear(800, 500);
        using var fc2 = nn.Linear(500, 10);
        Tensor[] tensors = [conv1.weight!, conv1.bias!, conv2.weight!, conv2.bias!, fc1.weight!, fc1.bias!, fc2.weight!, fc2.bias!];
        return Names.Zip(tensors).ToDictionary(p => p.First, p => p.Second.detach().clone().requires_grad_(true));
    }

    /// <summary>The intermediate tensors of one forward pass; gradients are kept on the convolutions' inputs and outputs.</summary>
    public sealed record Pass(Tensor Input, Tensor Conv1, Tensor Pool1, Tensor Conv2, Tensor Loss);

    public static Pass Forward(IReadOnlyDictionary<string, Tensor> p, Tensor images, Tensor labels, bool keep)
    {
        var input = keep ? images.detach().clone().requires_grad_(true) : images;
        var conv1 = F.conv2d(input, p["conv1.weight"], p["conv1.bias"]);
        var pool1 = F.max_pool2d(F.relu(conv1), [2, 2]);
        var conv2 = F.conv2d(pool1, p["conv2.weight"], p["conv2.bias"]);
        var pool2 = F.max_pool2d(F.relu(conv2), [2, 2]);
        var hidden = F.relu(F.linear(pool2.flatten(1), p["fc1.weight"], p["fc1.bias"]));
        var output = F.log_softmax(F.linear(hidden, p["fc2.weight"], p["fc2.bias"]), 1);
        if (keep)
        {
            conv1.retain_grad();
            pool1.retain_grad();
            conv2.retain_grad();
        }
        return new Pass(input, conv1, pool1, conv2, F.nll_loss(output, labels));
    }
}
