using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>
/// A model's state (parameters and buffers such as BatchNorm's running statistics) to and from a safetensors file, by
/// the names of its <c>state_dict()</c> (<c>layer1.0.conv1.weight</c>, <c>bn1.running_mean</c>): any module whose
/// children are named as in torchvision (the ResNets here) loads torchvision's state dicts directly. For the VGG-16
/// layer stack torchvision's names are understood too (<c>features.0.weight</c> … <c>classifier.6.bias</c>).
/// BatchNorm's <c>num_batches_tracked</c> may be absent from the file (it does not change evaluation) or stored as
/// I64. Loading is all or nothing: a file whose names or shapes do not match fails with what is missing, unexpected
/// and mis-shaped, and the model is left untouched.
/// </summary>
public static class WeightFile
{
    /// <summary>Loads any module's state by its <c>state_dict()</c> names, all or nothing.</summary>
    public static void Load(TorchSharp.torch.nn.Module model, string path)
    {
        var what = model is LayerStack built ? $"{built.GetName()} for input {built.InputShape}" : model.GetName();
        var file = Safetensors.Read(path);
        try
        {
            var aliases = model is LayerStack stack ? TorchvisionNames(stack) : [];
            var state = model.state_dict();
            var renamed = file.ToDictionary(f => aliases.GetValueOrDefault(f.Key, f.Key), f => f.Value);
            // A counter of training batches: PyTorch itself loads state dicts saved before it existed.
            var missing = state.Keys.Where(k => !renamed.ContainsKey(k) && !k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)).ToArray();
            var unexpected = file.Keys.Where(k => !state.ContainsKey(aliases.GetValueOrDefault(k, k))).ToArray();
            var misshaped = state.Keys.Where(k => renamed.TryGetValue(k, out var t) && !t.shape.SequenceEqual(state[k].shape))
                .Select(k => $"{k} [{string.Join("x", renamed[k].shape)}] where the model has [{string.Join("x", state[k].shape)}]").ToArray();
            if (missing.Length + unexpected.Length + misshaped.Length > 0)
                throw new StethoscopeException($"{path} does not fit {what}: {Describe("missing", missing)}; {Describe("unexpected", unexpected)}; {Describe("mis-shaped", misshaped)}");
            using var noGrad = no_grad();
            foreach (var (name, parameter) in state)
                if (renamed.TryGetValue(name, out var value))
                    parameter.copy_(value);
        }
        finally
        {
            foreach (var tensor in file.Values)
                tensor.Dispose();
        }
    }

    /// <summary>Writes the model's whole state dict (integer buffers as F32) under its own names.</summary>
    public static void Save(TorchSharp.torch.nn.Module model, string path) => Safetensors.Write(path, model.state_dict());

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
