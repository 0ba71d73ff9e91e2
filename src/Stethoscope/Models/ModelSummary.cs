namespace Stethoscope.Models;

/// <summary>One row of a model summary: a layer's path, kind, output shape (batch left out; empty when it never ran)
/// and parameter count (its own and its submodules').</summary>
public sealed record LayerSummary(string Name, string Kind, long[] OutputShape, long Parameters)
{
    public string Shape => OutputShape.Length == 0 ? "-" : string.Join("x", OutputShape);
}

/// <summary>A model described layer by layer, as <c>stethoscope summary</c> prints it and run.json stores it.</summary>
public sealed record ModelSummary(string Name, string InputShape, long Parameters, IReadOnlyList<LayerSummary> Layers)
{
    public static ModelSummary Of(ModelTrace trace) => new(
        trace.Name,
        trace.Input?.ToString() ?? "unknown",
        trace.Parameters,
        [.. trace.Layers.Select(l => new LayerSummary(l.Path, l.Kind, l.OutputShape ?? [], l.Parameters))]);
}
