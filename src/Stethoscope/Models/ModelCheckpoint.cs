using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Models;

/// <summary>Model weights in TorchSharp's own <c>save</c> format (a Stethoscope checkpoint), for any module.</summary>
public static class ModelCheckpoint
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/> (<paramref name="what"/> names the checkpoint the model expects: <c>mnist-net checkpoint for input 1x28x28</c>); a file that does not fit the model, or is not a
    /// checkpoint at all, is one clear error (the model may then hold some of its weights: discard it).</summary>
    public static void Load(nn.Module model, string path, string what)
    {
        if (!File.Exists(path))
            throw new StethoscopeException($"{path}: no such weights file");
        try
        {
            using var stream = File.OpenRead(path);
            using (var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                model.load(reader);
            // TorchSharp stops reading after the last tensor it expects; anything after it means another file.
            if (stream.Position != stream.Length)
                throw new StethoscopeException($"{path}: not a {what} ({stream.Length - stream.Position} bytes follow the last tensor)");
        }
        catch (Exception e) when (e is not StethoscopeException)
        {
            throw new StethoscopeException($"{path}: not a {what} ({e.Message.Split('\n')[0].Trim()})");
        }
    }
}
