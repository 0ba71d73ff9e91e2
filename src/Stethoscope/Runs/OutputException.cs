namespace Stethoscope.Runs;

/// <summary>
/// An output that cannot be written: its path names something other than a regular file, or the file system refused
/// it (permission, read-only, disk full). The message names the path and the reason in one line.
/// </summary>
public sealed class OutputException : StethoscopeException
{
    public OutputException(string message) : base(message) { }

    public OutputException(string path, Exception cause) : base($"cannot write {path}: {Reason(cause)}") { }

    /// <summary>
    /// The cause in words. .NET keeps the Unix error number in an <see cref="IOException"/>'s HResult (ENOSPC 28,
    /// EROFS 30, EDQUOT 122), which tells a full disk from a missing folder.
    /// </summary>
    public static string Reason(Exception cause) => cause switch
    {
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "its folder does not exist",
        IOException { HResult: 17 or 20 } => "a file stands where a folder should be",
        IOException { HResult: 28 or 122 } => "disk full (no space left on device)",
        IOException { HResult: 30 } => "read-only file system",
        _ => cause.Message.Split('\n')[0].TrimEnd('.'),
    };
}
