namespace Stethoscope.Data;

/// <summary>One IDX file of a cached data set as it must be: name, exact size in bytes, magic number and SHA-256 (hex).</summary>
public sealed record CachedFile(string Name, long Bytes, int Magic, string Sha256)
{
    /// <summary>An images file of <paramref name="count"/> 28x28 images.</summary>
    public static CachedFile Images(string name, int count, string sha256) => new(name, 16L + count * 28L * 28L, MnistIdx.ImagesMagic, sha256);

    /// <summary>A labels file of <paramref name="count"/> labels.</summary>
    public static CachedFile Labels(string name, int count, string sha256) => new(name, 8L + count, MnistIdx.LabelsMagic, sha256);
}
