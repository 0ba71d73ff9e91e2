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
    ];

    public static ModelRecipe Find(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new StethoscopeException($"unknown model '{name}'; known models: {string.Join(", ", All.Select(r => r.Name))}");
}
