namespace Stethoscope.Runs;

/// <summary>
/// Writes a file under a temporary name in the same folder and renames it into place, so a reader never sees it
/// half-written and a failure leaves nothing behind. Only a regular file (or nothing) is ever replaced: a rename
/// goes over anything, and over a device node such as <c>/dev/full</c> it would replace the device itself.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        CheckDestination(path);
        var temporary = path + ".partial";
        try
        {
            writeTo(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            if (e is IOException or UnauthorizedAccessException)
                throw new OutputException(path, e);
            throw;
        }
    }

    /// <summary>
    /// Checks <paramref name="path"/> as <see cref="CheckDestination"/> does and creates its folder, with one clear
    /// line when that fails (a file where a folder should be, permission, read-only, disk full).
    /// </summary>
    public static void PrepareFolderFor(string path)
    {
        CheckDestination(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(path, e);
        }
    }

    public static void WriteAllText(string path, string text) => Write(path, t => File.WriteAllText(t, text));

    /// <summary>
    /// Refuses, before anything is written, a destination that exists and is not a regular file (a directory, a
    /// device, a FIFO, a socket, a symbolic link) and an empty path.
    /// </summary>
    public static void CheckDestination(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new OutputException("an output path cannot be empty");
        var kind = FileEntry.Of(path).Kind;
        if (kind is not (FileKind.Missing or FileKind.Regular))
            throw new OutputException($"{path}: is {Describe(kind)}, not a regular file; give a file path to write");
    }

    static string Describe(FileKind kind) => kind switch
    {
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        _ => "a device, FIFO or socket",
    };

    static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder refused the write; it may refuse the clean-up as well, and the first failure is the one to report.
        }
    }
}
