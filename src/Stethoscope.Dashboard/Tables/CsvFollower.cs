using System.Text;

namespace Stethoscope.Dashboard;

/// <summary>
/// Reads a CSV file that a run may still be appending to, a little at a time: each call returns only the complete
/// lines written since the previous one (a half-written last line waits for its newline), so following a
/// 100,000-step run costs the new bytes, not the whole file. A file that shrank was replaced: reading starts over.
/// The path is read only where <see cref="RunCatalog.PlainFile"/> would serve it.
/// </summary>
sealed class CsvFollower(string path, RunCatalog catalog)
{
    long offset;

    public string[]? Header { get; private set; }

    /// <summary>The complete lines written since the previous call (the header excepted), as one text; <paramref name="restarted"/>
    /// says everything read before is void (the file was replaced, removed or is now a link out of the runs folder).</summary>
    public string Read(out bool restarted)
    {
        restarted = false;
        if (catalog.PlainFile(path) is not { } file)
        {
            restarted = Header is not null;
            (Header, offset) = (null, 0);
            return "";
        }
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < offset)
            {
                restarted = true;
                (Header, offset) = (null, 0);
            }
            if (stream.Length == offset)
                return "";
            stream.Position = offset;
            var bytes = new byte[stream.Length - offset];
            stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            var end = Array.LastIndexOf(bytes, (byte)'\n');
            if (end < 0)
                return "";
            offset += end + 1;
            var text = Encoding.UTF8.GetString(bytes, 0, end + 1);
            if (Header is not null)
                return text;
            var headerEnd = text.IndexOf('\n', StringComparison.Ordinal);
            Header = text[..headerEnd].TrimEnd('\r').Split(',');
            return text[(headerEnd + 1)..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable this instant: try again at the next call.
            return "";
        }
    }

    /// <summary>The header and the last complete line of <paramref name="file"/>, reading only its first and last few
    /// kilobytes (run lists show the newest step of a hundred runs at once).</summary>
    public static (string[] Header, string[] Last)? HeaderAndLastLine(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var head = new byte[(int)Math.Min(stream.Length, 1 << 16)];
            stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            var headerEnd = Array.IndexOf(head, (byte)'\n');
            if (headerEnd < 0)
                return null;
            var header = Encoding.UTF8.GetString(head, 0, headerEnd).TrimEnd('\r').Split(',');
            var tailLength = (int)Math.Min(stream.Length, 1 << 16);
            var tail = new byte[tailLength];
            stream.Position = stream.Length - tailLength;
            stream.ReadAtLeast(tail, tailLength, throwOnEndOfStream: false);
            var end = Array.LastIndexOf(tail, (byte)'\n');
            var start = end <= 0 ? -1 : Array.LastIndexOf(tail, (byte)'\n', end - 1);
            if (end < 0 || (start < 0 && stream.Length > tailLength) || stream.Length - tailLength + start + 1 <= headerEnd)
                return (header, []);
            return (header, Encoding.UTF8.GetString(tail, start + 1, end - start - 1).TrimEnd('\r').Split(','));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
