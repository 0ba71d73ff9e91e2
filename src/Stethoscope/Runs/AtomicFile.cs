namespace Stethoscope.Runs;

/// <summary>Writes a file under a temporary name and renames it, so a reader never sees it half-written.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        var temporary = path + ".partial";
        writeTo(temporary);
        File.Move(temporary, path, overwrite: true);
    }

    public static void WriteAllText(string path, string text) => Write(path, t => File.WriteAllText(t, text));
}
