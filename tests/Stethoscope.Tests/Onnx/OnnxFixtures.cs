using System.Text.Json;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Onnx;

/// <summary>The networks tools/onnx-fixtures/make.py exported with PyTorch, and PyTorch's output for their input.</summary>
static class OnnxFixtures
{
    public static readonly string[] Names = ["cnn-ops-opset13", "cnn-ops-opset9", "graph-ops-opset10"];

    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Onnx", "fixtures", name + ".onnx");

    /// <summary>The fixed input and PyTorch's output.</summary>
    public static (Tensor Input, Tensor Output) Expected(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(System.IO.Path.ChangeExtension(Path(name), ".json")));
        var root = json.RootElement;
        return (Read(root, "input"), Read(root, "output"));
    }

    static Tensor Read(JsonElement root, string what) =>
        tensor([.. root.GetProperty(what).EnumerateArray().Select(v => v.GetSingle())],
            [.. root.GetProperty(what + "_shape").EnumerateArray().Select(v => v.GetInt64())]);
}
