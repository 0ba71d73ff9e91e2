using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Stethoscope.Runs;

/// <summary>What a path names on disk, without following a final symbolic link.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    /// <summary>A device node, FIFO or socket: never a place to write a file or to read one from a run.</summary>
    Special,
}

/// <summary>
/// The kind and hard-link count of a path, read with Linux's <c>statx</c> (its struct has one layout on every
/// architecture, unlike <c>stat</c>'s). .NET's own file APIs cannot tell a device node or a FIFO from a regular file,
/// and a rename over <c>/dev/full</c> replaces the device; elsewhere than Linux the kind comes from .NET's view.
/// </summary>
public readonly record struct FileEntry(FileKind Kind, long Links)
{
    public static FileEntry Of(string path)
    {
        if (OperatingSystem.IsLinux())
        {
            var buffer = new byte[256];
            if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
                return new(FileKind.Missing, 0);
            var links = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(16));
            var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28)) & 0xF000;
            var kind = mode switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0xA000 => FileKind.SymbolicLink,
                _ => FileKind.Special,
            };
            return new(kind, links);
        }
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
            return new(FileKind.SymbolicLink, 1);
        if (Directory.Exists(path))
            return new(FileKind.Directory, 1);
        return info.Exists ? new(FileKind.Regular, 1) : new(FileKind.Missing, 0);
    }

    const int AtFdCwd = -100;
    const int AtSymlinkNoFollow = 0x100;
    const uint StatxBasicStats = 0x7ff;

    // glibc 2.28+ exports statx; the little-endian reads above match every architecture .NET runs Linux on.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
