// Compiled by MSBuild's RoslynCodeTaskFactory (see WeakenGlibcxxNeed.targets): no project references it. It travels in
// the Stethoscope package's buildTransitive folder, so every program built on the library gets the same fix.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Marks the GLIBCXX_3.4.32 version need of every libLibTorchSharp.so under a folder as weak, when the
/// machine's libstdc++ does not define that version (or always, for a package that runs on other machines).
/// Idempotent; leaves every other byte unchanged.
/// </summary>
public class WeakenMissingGlibcxxNeed : Task
{
    const string Library = "libLibTorchSharp.so";
    const string Version = "GLIBCXX_3.4.32";
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibStdCxxPlaces =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    };

    [Required]
    public string Folder { get; set; } = "";

    /// <summary>Also where this machine has the version: a weak need changes nothing where the version exists.</summary>
    public bool Always { get; set; }

    public override bool Execute()
    {
        if (!Directory.Exists(Folder) || (!Always && SystemHasVersion()))
            return true;
        foreach (var path in Directory.EnumerateFiles(Folder, Library, SearchOption.AllDirectories))
        {
            try
            {
                if (Weaken(path))
                    Log.LogMessage(MessageImportance.Normal, $"{path}: marked the {Version} version need weak");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException)
            {
                Log.LogError($"{path}: cannot mark {Version} weak: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    static bool SystemHasVersion()
    {
        foreach (var place in LibStdCxxPlaces)
        {
            if (File.Exists(place))
                return Contains(File.ReadAllBytes(place), Encoding.ASCII.GetBytes(Version + "\0"));
        }
        return false;
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (var i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length; i = Array.IndexOf(haystack, needle[0], i + 1))
        {
            var j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j])
                j++;
            if (j == needle.Length)
                return true;
        }
        return false;
    }

    /// <summary>Walks the ELF64 .gnu.version_r section; returns true when a flag was changed.</summary>
    static bool Weaken(string path)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a little-endian ELF64 file");
        var sectionTable = (int)BitConverter.ToUInt64(elf, 0x28);
        var sectionSize = BitConverter.ToUInt16(elf, 0x3a);
        var sectionCount = BitConverter.ToUInt16(elf, 0x3c);
        var changed = false;
        for (var i = 0; i < sectionCount; i++)
        {
            var header = sectionTable + i * sectionSize;
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
                continue;
            var link = BitConverter.ToUInt32(elf, header + 40);
            var strings = (int)BitConverter.ToUInt64(elf, sectionTable + (int)link * sectionSize + 24);
            changed |= WeakenNeeds(elf, (int)BitConverter.ToUInt64(elf, header + 24), strings);
        }
        if (changed)
            Replace(path, elf);
        return changed;
    }

    /// <summary>
    /// Writes a new file and renames it over the old one, so that an output file hard-linked to the NuGet cache
    /// (CreateHardLinksForCopyLocalIfPossible) gets its own copy and the cache stays untouched.
    /// </summary>
    static void Replace(string path, byte[] content)
    {
        var next = path + ".weakened";
        File.WriteAllBytes(next, content);
        File.Replace(next, path, null);
    }

    static bool WeakenNeeds(byte[] elf, int need, int strings)
    {
        var changed = false;
        while (true)
        {
            var count = BitConverter.ToUInt16(elf, need + 2);
            var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
            for (var j = 0; j < count; j++)
            {
                var flags = BitConverter.ToUInt16(elf, aux + 4);
                var name = ReadString(elf, strings + (int)BitConverter.ToUInt32(elf, aux + 8));
                if (name == Version && (flags & VerFlgWeak) == 0)
                {
                    BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                    changed = true;
                }
                aux += (int)BitConverter.ToUInt32(elf, aux + 12);
            }
            var next = BitConverter.ToUInt32(elf, need + 12);
            if (next == 0)
                return changed;
            need += (int)next;
        }
    }

    static string ReadString(byte[] elf, int start)
    {
        var end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }
}
