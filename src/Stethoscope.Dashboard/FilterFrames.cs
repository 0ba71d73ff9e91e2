using System.Buffers.Binary;
using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>One filter grid a run recorded: the step, the layer, and where its record lies in the event file.</summary>
sealed record FilterFrame(long Step, string Layer, string File, long Offset, int Length);

/// <summary>
/// The filter grids a run recorded over time, for the page's step scrubber. Training writes them only into TensorBoard's
/// images (<c>tensorboard/filters/</c>, at the start, every few hundred steps and at the end; see
/// <see cref="Imaging.FilterImageRecorder"/>), and keeps just the newest as a PNG: so the event files are indexed
/// here, following them as they grow (a record still being written waits), and a frame's PNG is read back on demand.
/// </summary>
sealed class FilterFrames(RunFolder run, RunCatalog catalog)
{
    const string TagPrefix = "filters/";

    readonly Dictionary<string, long> read = new(StringComparer.Ordinal);
    readonly List<FilterFrame> frames = [];

    public IReadOnlyList<FilterFrame> Frames => frames;

    public FilterFrames Refresh()
    {
        if (!Directory.Exists(run.TensorBoardFilters))
            return this;
        foreach (var path in Directory.EnumerateFiles(run.TensorBoardFilters, "events.out.tfevents.*").Order(StringComparer.Ordinal))
        {
            if (catalog.PlainFile(path) is { } file)
                Index(file);
        }
        return this;
    }

    void Index(string file)
    {
        var offset = read.GetValueOrDefault(file);
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[12];
            while (stream.Length - offset >= header.Length)
            {
                stream.Position = offset;
                stream.ReadExactly(header);
                var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
                if (length > int.MaxValue || stream.Length - offset < header.Length + (long)length + 4)
                    break;
                var data = new byte[length];
                stream.ReadExactly(data);
                AddImages(file, offset, data);
                offset += header.Length + (long)length + 4;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException)
        {
            // A file being replaced or damaged: keep what was indexed and try the rest at the next call.
        }
        read[file] = offset;
    }

    void AddImages(string file, long offset, byte[] data)
    {
        var e = Tensorboard.Event.Parser.ParseFrom(data);
        if (e.Summary is null)
            return;
        foreach (var value in e.Summary.Value)
        {
            if (value.Image is not null && value.Tag.StartsWith(TagPrefix, StringComparison.Ordinal))
                frames.Add(new FilterFrame(e.Step, value.Tag[TagPrefix.Length..], file, offset, data.Length));
        }
    }

    /// <summary>The PNG bytes of <paramref name="frame"/>, or null when its file changed under it.</summary>
    public static byte[]? Png(FilterFrame frame)
    {
        try
        {
            using var stream = new FileStream(frame.File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Position = frame.Offset + 12;
            var data = new byte[frame.Length];
            stream.ReadExactly(data);
            var e = Tensorboard.Event.Parser.ParseFrom(data);
            return e.Summary?.Value.FirstOrDefault(v => v.Image is not null && v.Tag == TagPrefix + frame.Layer)?.Image.EncodedImageString.ToByteArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }
}
