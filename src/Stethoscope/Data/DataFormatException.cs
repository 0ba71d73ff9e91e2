namespace Stethoscope.Data;

/// <summary>A data file that cannot be used: wrong magic number, truncated, counts that disagree, wrong image size.</summary>
public sealed class DataFormatException(string path, string problem) : StethoscopeException($"{path}: {problem}")
{
    public string Path { get; } = path;
}
