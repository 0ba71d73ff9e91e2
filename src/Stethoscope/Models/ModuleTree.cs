using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>A module of a network and its path, as PyTorch's <c>named_modules()</c> names it (<c>layer2.0.conv1</c>).</summary>
public sealed record NamedModule(string Path, nn.Module Module)
{
    /// <summary>The module's own <c>weight</c> parameter when it is a matrix or a kernel (convolution, linear, a user's
    /// layer with a weight matrix); null for modules without one and for normalisation layers, whose weight is a vector.</summary>
    public Parameter? Weight { get; } =
        Module.named_parameters(recurse: false).FirstOrDefault(p => p.name == "weight").parameter is { } w && w.dim() >= 2 ? w : null;

    public string Kind => Module.GetType().Name;
}

/// <summary>
/// Every submodule of any TorchSharp module, depth first in registration order with PyTorch's dotted paths. TorchSharp's
/// own <c>named_modules()</c> lists children before grandchildren; PyTorch lists each module before its descendants,
/// which is the order users read in a printed model, so the tree is walked here.
/// </summary>
public static class ModuleTree
{
    public static IReadOnlyList<NamedModule> Of(nn.Module model)
    {
        var all = new List<NamedModule>();
        Walk(model, "", all);
        return all;
    }

    static void Walk(nn.Module module, string prefix, List<NamedModule> all)
    {
        foreach (var (name, child) in module.named_children())
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            all.Add(new NamedModule(path, child));
            Walk(child, path, all);
        }
    }

    /// <summary>The module at <paramref name="path"/>; a path the model does not have is one error naming the valid ones.</summary>
    public static NamedModule Find(nn.Module model, string path) =>
        Of(model).FirstOrDefault(m => m.Path == path)
        ?? throw new StethoscopeException($"model {model.GetName()} has no layer '{path}'; valid layers: {Listing(Of(model).Select(m => m.Path))}");

    /// <summary>A list of layer paths short enough for one error line.</summary>
    public static string Listing(IEnumerable<string> paths)
    {
        var all = paths.ToArray();
        return all.Length <= 40 ? string.Join(", ", all) : $"{string.Join(", ", all.Take(40))}, … ({all.Length} in all; see 'stethoscope summary')";
    }
}
