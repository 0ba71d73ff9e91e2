using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>Model weights in TorchSharp's own <c>save</c> format (a Stethoscope checkpoint), for any module.</summary>
public static class ModelCheckpoint
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/>; a file that does not fit the model, or is not a
    /// checkpoint at all, is one clear error (the model may then hold some of its weights: discard it).</summary>
    public static void Load(nn.Module model, string path, string what)
    {
        if (!File.Exists(path))
            throw new StethoscopeException($"{path}: no such weights file");
        try
        {
            model.load(path);
        }
        catch (Exception e) when (e is not StethoscopeException)
        {
            throw new StethoscopeException($"{path}: not a checkpoint of {what} ({e.Message.Split('\n')[0].Trim()})");
        }
    }
}
