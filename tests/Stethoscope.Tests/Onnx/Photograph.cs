namespace Stethoscope.Tests.Onnx;

/// <summary>The bundled photograph (data/photos/chelsea.png, CC0, see data/NOTICE).</summary>
static class Photograph
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "data", "photos", "chelsea.png");
}
