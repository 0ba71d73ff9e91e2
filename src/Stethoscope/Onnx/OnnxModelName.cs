using Stethoscope.Models;

namespace Stethoscope.Onnx;

/// <summary>
/// <c>onnx:PATH</c>, an ONNX file wherever a model name is accepted (as <c>--data mnist:DIR</c> names a folder): the
/// file is parsed once, its declared input is the model's default input, and each build imports it afresh with its
/// own weights. A run trained on it records this name, so later analyses of the run rebuild it from the same file.
/// </summary>
public static class OnnxModelName
{
    const string Prefix = "onnx:";

    public static bool IsName(string name) => name.StartsWith(Prefix, StringComparison.Ordinal);

    public static ModelRecipe Recipe(string name)
    {
        var path = name[Prefix.Length..];
        if (path.Length == 0)
            throw new StethoscopeException("model 'onnx:' names no file; give onnx:PATH/TO/model.onnx");
        var model = OnnxImport.Read(path);
        var title = Path.GetFileNameWithoutExtension(path);
        return new ModelRecipe(name, $"ONNX network {Path.GetFileName(path)}", OnnxImport.DeclaredInput(model) ?? default, Objective.ClassScores,
            _ => OnnxImport.FromProto(model, title));
    }
}
