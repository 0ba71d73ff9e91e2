using System.Runtime.Loader;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// A model class from a user's own .NET assembly, named <c>PATH/Assembly.dll:Namespace.Type</c> wherever a registered
/// model name is accepted. The type must derive from <c>nn.Module&lt;Tensor, Tensor&gt;</c> and have a public
/// constructor without parameters. A run of such a model records this name in run.json, so <c>erf</c>,
/// <c>filters</c>, <c>activations</c> and <c>hypercolumns</c> rebuild it from the run folder.
/// </summary>
public static class UserModel
{
    const string Marker = ".dll:";

    public static bool IsName(string name) => name.Contains(Marker, StringComparison.Ordinal);

    /// <summary>The recipe of a user's model class; its input shape is unknown (<c>default</c>) and must be given.</summary>
    public static ModelRecipe Recipe(string name)
    {
        var split = name.LastIndexOf(Marker, StringComparison.Ordinal);
        var file = Path.GetFullPath(name[..(split + Marker.Length - 1)]);
        var typeName = name[(split + Marker.Length)..];
        if (!File.Exists(file))
            throw new StethoscopeException($"model '{name}': no such assembly {file}");
        var assembly = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => !a.IsDynamic && a.Location == file)
            ?? LoadAssembly(file, name);
        var type = assembly.GetType(typeName)
            ?? throw new StethoscopeException($"model '{name}': {Path.GetFileName(file)} has no type {typeName}; its model types: {string.Join(", ", ModelTypes(assembly).Select(t => t.FullName))}");
        if (!typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            throw new StethoscopeException($"model '{name}': {typeName} must be a non-abstract nn.Module<Tensor, Tensor> with a public constructor without parameters");
        return new ModelRecipe(name, $"{typeName} from {Path.GetFileName(file)}", default, Objective.ClassScores, _ => (nn.Module<Tensor, Tensor>)Activator.CreateInstance(type)!);
    }

    /// <summary>The name that rebuilds <paramref name="model"/>, or null for Stethoscope's own models and types a
    /// parameterless constructor cannot make.</summary>
    public static string? NameOf(nn.Module model)
    {
        var type = model.GetType();
        return type.Assembly == typeof(UserModel).Assembly || type.Assembly.IsDynamic || type.GetConstructor(Type.EmptyTypes) is null
            ? null
            : $"{type.Assembly.Location}:{type.FullName}";
    }

    static System.Reflection.Assembly LoadAssembly(string file, string name)
    {
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new StethoscopeException($"model '{name}': {file} is not a .NET assembly ({e.Message.Split('\n')[0].Trim()})");
        }
    }

    static IEnumerable<Type> ModelTypes(System.Reflection.Assembly assembly) =>
        assembly.GetExportedTypes().Where(t => typeof(nn.Module<Tensor, Tensor>).IsAssignableFrom(t) && !t.IsAbstract);
}
