namespace Stethoscope.Models;

/// <summary>One row of a model summary: a layer's name, kind, output shape (batch left out) and parameter count.</summary>
public sealed record LayerSummary(string Name, string Kind, long[] OutputShape, long Parameters)
{
    public string Shape => string.Join("x", OutputShape);
}

/// <summary>A model described layer by layer, as <c>stethoscope summary</c> prints it and run.json stores it.</summary>
public sealed record ModelSummary(string Name, string InputShape, long Parameters, IReadOnlyList<LayerSummary> Layers)
{
    public static ModelSummary Of(LayerStack model) => new(
        model.GetName(),
        model.InputShape.ToString(),
        model.ParameterCount,
        [.. model.Layers.Select(l => new LayerSummary(l.Name, l.Kind, l.OutputShape, l.ParameterCount))]);
}
