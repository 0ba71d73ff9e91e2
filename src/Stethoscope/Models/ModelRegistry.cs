using Stethoscope.Onnx;

namespace Stethoscope.Models;

/// <summary>The models Stethoscope knows by name.</summary>
public static class ModelRegistry
{
    public static IReadOnlyList<ModelRecipe> All { get; } =
    [
        MnistNet.Recipe,
        Vgg16.Recipe,
        WorkshopCnn.Baseline,
        WorkshopCnn.WithDropout,
        KeypointsNet.Recipe,
        ErfStack.Recipe,
        ResNet.DigitsRecipe,
        ResNet.Resnet18Recipe,
        ResNet.Resnet50Recipe,
    ];

    /// <summary>Pretrained models that <c>stethoscope models get</c> fetches into the model cache; building one needs
    /// that cache, so they are kept apart from <see cref="All"/>, which builds anywhere.</summary>
    public static IReadOnlyList<ModelRecipe> Pretrained { get; } = [PretrainedResNet18.Recipe];

    /// <summary>A registered model by name, a user's model class named <c>PATH/Assembly.dll:Namespace.Type</c>
    /// (<see cref="UserModel"/>), or an ONNX file named <c>onnx:PATH</c> (<see cref="OnnxModelName"/>).</summary>
    public static ModelRecipe Find(string name) =>
        All.Concat(Pretrained).FirstOrDefault(r => r.Name == name)
        ?? (UserModel.IsName(name) ? UserModel.Recipe(name) : null)
        ?? (OnnxModelName.IsName(name) ? OnnxModelName.Recipe(name) : null)
        ?? throw new StethoscopeException($"unknown model '{name}'; known models: {string.Join(", ", All.Concat(Pretrained).Select(r => r.Name))}, ASSEMBLY.dll:Namespace.Type, or onnx:PATH");
}
