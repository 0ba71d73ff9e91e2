using System.Runtime.InteropServices;
using Stethoscope.Charts;
using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>One run as the dashboard lists it: its newest step and test accuracy come from the last lines of metrics.csv
/// and eval.csv (run.json has its steps and final metrics only once it ends), its verdicts' rules from diagnosis.json.</summary>
public sealed record RunEntry(string Name, string Status, long Steps, string Model, DateTimeOffset Started, double? Loss, double? TestAccuracy, IReadOnlyList<string> Verdicts);

/// <summary>
/// The run folders directly under the runs folder, found by their run.json. Names come from the URL, so a name is
/// accepted only if it is one folder name (no separators, no <c>..</c>) that exists here. Every path is followed
/// through all its symbolic links to its real path, which must lie inside the runs folder's real path, and a file is
/// served only if it is a regular file with one hard link (a second link may be anywhere on the file system).
/// </summary>
public sealed class RunCatalog(string root)
{
    readonly string given = Path.GetFullPath(root);
    string? real;

    /// <summary>The runs folder's real path once it exists (every link on the way followed), else the path as given.</summary>
    /// <remarks>Resolved at first use after it exists, so that a runs folder made after the server started is still found.</remarks>
    public string Root => real ?? (real = RealPath(given)) ?? given;

    public IReadOnlyList<RunEntry> List()
    {
        if (!Directory.Exists(Root))
            return [];
        var entries = new List<RunEntry>();
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            if (RunAt(directory) is not { } folder)
                continue;
            try
            {
                entries.Add(Entry(Path.GetFileName(directory), folder));
            }
            catch (StethoscopeException)
            {
                // A run.json being replaced this instant or broken: leave it out of this listing.
            }
        }
        return [.. entries.OrderByDescending(e => e.Started)];
    }

    RunEntry Entry(string name, RunFolder run)
    {
        var m = RunManifest.Read(run.RunJson);
        var (steps, loss) = (m.Steps, m.Final?.Loss);
        if (PlainFile(run.MetricsCsv) is { } metrics && CsvFollower.HeaderAndLastLine(metrics) is ({ } header, [_, ..] last) && last.Length == header.Length
            && long.TryParse(last[0], System.Globalization.CultureInfo.InvariantCulture, out var step))
            (steps, loss) = (Math.Max(steps, step), Cell(header, last, ChartVocabulary.Loss) ?? loss);
        var test = m.Final?.TestAccuracy;
        if (PlainFile(run.EvalCsv) is { } eval && CsvFollower.HeaderAndLastLine(eval) is ({ } evalHeader, [_, ..] evalLast) && evalLast.Length == evalHeader.Length)
            test = Cell(evalHeader, evalLast, ChartVocabulary.TestAccuracy) ?? test;
        return new RunEntry(name, m.Status.ToString().ToLowerInvariant(), steps, m.Config.Model, m.Started, loss, test, RunDetail.VerdictsOf(run, this).Select(v => v.Rule).ToArray());
    }

    static double? Cell(string[] header, string[] cells, string column) =>
        Array.IndexOf(header, column) is var i && i >= 0 && SeriesTable.Number(cells[i]) is var v && float.IsFinite(v) ? v : null;

    /// <summary>Whether <paramref name="path"/> is a folder whose real path lies inside the runs folder: one whose file
    /// names may be listed.</summary>
    public bool FolderInside(string path) => Directory.Exists(path) && Inside(RealPath(path)) is not null;

    /// <summary>The run folder called <paramref name="name"/>, at its real path, or null when the name is not a run here.</summary>
    public RunFolder? Find(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
            return null;
        return RunAt(Path.Combine(Root, name));
    }

    /// <summary>The real path of the file <paramref name="relative"/> (still URL-escaped) inside run <paramref name="name"/>,
    /// or null when it is missing, would leave the runs folder (<c>..</c>, <c>%2f</c> tricks, absolute paths, symbolic
    /// links to files or folders outside), is not a regular file or has another hard link.</summary>
    public string? FileIn(string name, string relative)
    {
        if (Find(name) is not { } run)
            return null;
        var decoded = Uri.UnescapeDataString(relative).Replace('\\', '/');
        if (decoded.Split('/').Any(part => part is ".." or ".") || Path.IsPathRooted(decoded) || decoded.Contains('\0', StringComparison.Ordinal))
            return null;
        var full = Path.GetFullPath(Path.Combine(run.Root, decoded));
        if (!full.StartsWith(run.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            return null;
        return PlainFile(full);
    }

    /// <summary>The real path of <paramref name="path"/> when it is a regular file with one hard link inside the runs
    /// folder, else null. The path returned is the one to open: it has no link left to swap.</summary>
    public string? PlainFile(string path) =>
        Inside(RealPath(path)) is { } file && FileEntry.Of(file) is { Kind: FileKind.Regular, Links: 1 } ? file : null;

    RunFolder? RunAt(string directory)
    {
        if (Inside(RealPath(directory)) is not { } folder || FileEntry.Of(folder).Kind != FileKind.Directory)
            return null;
        var run = new RunFolder(folder);
        return PlainFile(run.RunJson) is null ? null : run;
    }

    /// <summary><paramref name="realPath"/> when it lies strictly inside the runs folder (never the folder itself).</summary>
    string? Inside(string? realPath) =>
        realPath is not null && realPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? realPath : null;

    /// <summary>The path with every symbolic link on the way followed and no <c>.</c> or <c>..</c> left, or null when a
    /// part of it is missing or a link loops.</summary>
    static string? RealPath(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            // The C library resolves each component in turn, as the kernel will when the file is opened; a managed
            // walk would have to reimplement that (a link's target may itself pass through links, and "x/link/.."
            // is not "x").
            var resolved = Realpath(path, IntPtr.Zero);
            if (resolved == IntPtr.Zero)
                return null;
            try
            {
                return Marshal.PtrToStringUTF8(resolved);
            }
            finally
            {
                Free(resolved);
            }
        }
        // Windows: the final link only (the dashboard's link checks are made for the Linux machines it runs on).
        var full = Path.GetFullPath(path);
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        if (!info.Exists)
            return null;
        return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
    }

    // realpath(path, NULL) returns a buffer from malloc, which the caller frees.
    [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
    static extern IntPtr Realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    static extern void Free(IntPtr pointer);
}
