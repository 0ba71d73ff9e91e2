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

    /// <summary>A registered model by name, or a user's model class named <c>PATH/Assembly.dll:Namespace.Type</c> (<see cref="UserModel"/>).</summary>
    public static ModelRecipe Find(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? (UserModel.IsName(name) ? UserModel.Recipe(name) : null)
        ?? throw new StethoscopeException($"unknown model '{name}'; known models: {string.Join(", ", All.Select(r => r.Name))}, or ASSEMBLY.dll:Namespace.Type");
}
