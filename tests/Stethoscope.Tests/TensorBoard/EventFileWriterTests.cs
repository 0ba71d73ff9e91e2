using Stethoscope.TensorBoard;
using Stethoscope.Tests.Runs;

namespace Stethoscope.Tests.TensorBoard;

public class EventFileWriterTests
{
    [Fact]
    public void Disposing_twice_keeps_every_event_written_before()
    {
        using var temp = new TempDirectory();
        var events = new EventFileWriter(temp.Path);
        events.WriteScalars(3, [("loss", 0.25f)]);
        events.Dispose();
        events.Dispose();
        var read = EventFileReader.Read(events.Path);
        Assert.Equal(["brain.Event:2", ""], read.Select(e => e.FileVersion));
        Assert.Equal((3L, "loss", 0.25f), (read[1].Step, read[1].Summary.Value[0].Tag, read[1].Summary.Value[0].SimpleValue));
    }
}
