using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>A registered model: its name, what it is, the input it was designed for, what its output means (so
/// which loss trains it), and how to build it as any TorchSharp module.</summary>
public sealed record ModelRecipe(string Name, string Description, InputShape DefaultInput, Objective Objective, Func<ModelRequest, nn.Module<Tensor, Tensor>> Build)
{
    /// <summary>The model takes RGB pixels in 0..1 and normalises them itself (a pretrained network with its
    /// preprocessing chained in): analyses hand it images without the ImageNet normalisation.</summary>
    public bool NormalizesInput { get; init; }

    /// <summary>Builds the model with its initial weights drawn from <paramref name="seed"/>, so a seed reproduces a run.</summary>
    public nn.Module<Tensor, Tensor> Create(ModelRequest request, long seed)
    {
        torch.random.manual_seed(seed);
        return Build(request);
    }
}

/// <summary>What a model is built for: the input shape, the number of classes (null: the model's own default), and the receptive-field stack's settings.</summary>
public sealed record ModelRequest(InputShape Input, int? Classes = null, ErfStackSettings? ErfStack = null);
