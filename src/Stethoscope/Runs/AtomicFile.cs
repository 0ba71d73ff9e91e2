namespace Stethoscope.Runs;

/// <summary>Writes a file under a temporary name and renames it, so a reader never sees it half-written.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        var temporary = path + ".partial";
        try
        {
            writeTo(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) => Write(path, t => File.WriteAllText(t, text));
}
