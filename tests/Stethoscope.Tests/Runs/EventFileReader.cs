using System.Buffers.Binary;
using Stethoscope.TensorBoard;
using Tensorboard;

namespace Stethoscope.Tests.Runs;

/// <summary>Reads TFRecord-framed TensorBoard events back, checking both checksums of every record.</summary>
internal static class EventFileReader
{
    public static List<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        for (var at = 0; at < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(EventFileWriter.MaskedCrc(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            var data = bytes.AsSpan(at + 12, length);
            Assert.Equal(EventFileWriter.MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
            events.Add(Event.Parser.ParseFrom(data.ToArray()));
            at += 16 + length;
        }
        return events;
    }
}
