namespace Stethoscope.Onnx;

/// <summary>
/// The user's folder of fetched pretrained models: <c>$STETHOSCOPE_MODEL_CACHE</c> when set (tests point it at a
/// folder of their own), else <c>$XDG_CACHE_HOME/stethoscope/models</c>, else <c>~/.cache/stethoscope/models</c>.
/// Never the repository: the weights are the user's download.
/// </summary>
public static class ModelCache
{
    /// <summary>The environment variable that moves the cache.</summary>
    public const string Variable = "STETHOSCOPE_MODEL_CACHE";

    public static string Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen)
                return Path.GetFullPath(chosen);
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(Path.GetFullPath(cache), "stethoscope", "models");
        }
    }
}
