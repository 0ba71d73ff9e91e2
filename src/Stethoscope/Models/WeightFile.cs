using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// A model's parameters to and from a safetensors file. Names are the model's own (<c>conv1_1.weight</c>); for
/// VGG-16 torchvision's names are understood too (<c>features.0.weight</c> … <c>classifier.6.bias</c>), so the
/// ImageNet weights users already have load directly. Loading is all or nothing: a file whose names or shapes do
/// not match fails with what is missing, unexpected and mis-shaped, and the model is left untouched.
/// </summary>
public static class WeightFile
{
    public static void Load(LayerStack model, string path)
    {
        var file = Safetensors.Read(path);
        try
        {
            var aliases = TorchvisionNames(model);
            var state = model.state_dict();
            var renamed = file.ToDictionary(f => aliases.GetValueOrDefault(f.Key, f.Key), f => f.Value);
            var missing = state.Keys.Where(k => !renamed.ContainsKey(k)).ToArray();
            var unexpected = file.Keys.Where(k => !state.ContainsKey(aliases.GetValueOrDefault(k, k))).ToArray();
            var misshaped = state.Keys.Where(k => renamed.TryGetValue(k, out var t) && !t.shape.SequenceEqual(state[k].shape))
                .Select(k => $"{k} [{string.Join("x", renamed[k].shape)}] where the model has [{string.Join("x", state[k].shape)}]").ToArray();
            if (missing.Length + unexpected.Length + misshaped.Length > 0)
                throw new StethoscopeException($"{path} does not fit {model.GetName()} for input {model.InputShape}: {Describe("missing", missing)}; {Describe("unexpected", unexpected)}; {Describe("mis-shaped", misshaped)}");
            using var noGrad = no_grad();
            foreach (var (name, parameter) in state)
                parameter.copy_(renamed[name]);
        }
        finally
        {
            foreach (var tensor in file.Values)
                tensor.Dispose();
        }
    }

    public static void Save(LayerStack model, string path) => Safetensors.Write(path, model.state_dict());

    /// <summary>torchvision's parameter names for this model, mapped to ours; empty for models torchvision does not have.
    /// VGG-16's layers before the average pool are torchvision's <c>features.N</c>, those after flatten <c>classifier.N</c>.</summary>
    public static Dictionary<string, string> TorchvisionNames(LayerStack model)
    {
        var names = new Dictionary<string, string>();
        if (model.GetName() != "vgg16")
            return names;
        var layers = model.Layers;
        var pool = layers.ToList().FindIndex(l => l.Name == "avgpool");
        var flatten = layers.ToList().FindIndex(l => l.Name == "flatten");
        for (var i = 0; i < layers.Count; i++)
        {
            var prefix = i < pool ? $"features.{i}" : i > flatten ? $"classifier.{i - flatten - 1}" : null;
            if (prefix is null)
                continue;
            foreach (var (parameter, _) in layers[i].Module.named_parameters())
                names[$"{prefix}.{parameter}"] = $"{layers[i].Name}.{parameter}";
        }
        return names;
    }

    /// <summary>A short list, so the error stays one readable line: the first few names and how many there are.</summary>
    static string Describe(string what, string[] names) => names.Length switch
    {
        0 => $"nothing {what}",
        <= 2 => $"{what}: {string.Join(", ", names)}",
        _ => $"{what}: {string.Join(", ", names.Take(2))}, … ({names.Length} in all)",
    };
}
