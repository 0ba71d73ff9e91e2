using Stethoscope.Charts;

namespace Stethoscope.Tests.Charts;

public class SeriesEnvelopeTests
{
    static Envelope Of(long[] steps, float[] values, long from, long to, int width) =>
        SeriesEnvelope.Of(steps, [("v", values)], from, to, width);

    [Fact]
    public void Each_pixel_column_keeps_the_first_last_lowest_and_highest_value_of_its_steps()
    {
        long[] steps = [1, 2, 3, 4, 5, 6, 7, 8];
        float[] values = [5, 1, 9, 3, 2, 8, 4, 6];
        var e = Of(steps, values, 1, 8, 2);
        Assert.Equal([1L, 5L], e.Steps);
        Assert.Equal([4L, 8L], e.Through);
        Assert.Equal(8, e.Rows);
        var s = e.Series["v"];
        Assert.Equal([1f, 2f], s.Low);
        Assert.Equal([9f, 8f], s.High);
        Assert.Equal([5f, 2f], s.First);
        Assert.Equal([3f, 6f], s.Last);
        Assert.Empty(s.Bad);
    }

    [Fact]
    public void A_range_narrower_than_the_width_gives_every_step_exactly()
    {
        var steps = Enumerable.Range(1, 100).Select(i => (long)i).ToArray();
        var values = steps.Select(s => (float)s * 0.5f).ToArray();
        var e = Of(steps, values, 41, 50, 1000);
        Assert.Equal(Enumerable.Range(41, 10).Select(i => (long)i), e.Steps);
        Assert.Equal(e.Steps, e.Through);
        Assert.Equal(values[40..50].Select(v => (float?)v), e.Series["v"].Low);
    }

    [Fact]
    public void One_spike_and_one_NaN_in_100000_steps_survive_a_1000_column_envelope()
    {
        var steps = Enumerable.Range(1, 100_000).Select(i => (long)i).ToArray();
        var values = steps.Select(s => 1f + (s % 7) * 0.01f).ToArray();
        values[61_233] = 1000f;
        values[77_776] = float.NaN;
        values[88_887] = float.NegativeInfinity;
        var e = Of(steps, values, 1, 100_000, 1000);
        Assert.Equal(1000, e.Steps.Length);
        var s = e.Series["v"];
        Assert.Equal(1000f, s.High.Max());
        var spike = Array.IndexOf(s.High, 1000f);
        Assert.InRange(61_234, e.Steps[spike], e.Through[spike]);
        Assert.Equal([new NonFiniteMark(77_777, "NaN", 1), new NonFiniteMark(88_888, "-Infinity", 1)], s.Bad);
        // The column with the NaN still draws its finite steps.
        Assert.NotNull(s.Low[Array.FindIndex(e.Steps, x => x > 77_777) - 1]);
    }

    [Fact]
    public void An_absent_value_is_left_out_where_a_NaN_is_marked_and_a_column_of_nothing_finite_is_null()
    {
        long[] steps = [1, 2, 3, 4];
        float[] values = [SeriesEnvelope.Absent, 2, float.NaN, float.NaN];
        var e = Of(steps, values, 1, 4, 2);
        var s = e.Series["v"];
        Assert.Equal([2f, null], s.Low);
        Assert.Equal([new NonFiniteMark(3, "NaN", 2)], s.Bad);
        Assert.True(float.IsNaN(SeriesEnvelope.Absent) && SeriesEnvelope.IsAbsent(SeriesEnvelope.Absent) && !SeriesEnvelope.IsAbsent(float.NaN));
    }

    [Fact]
    public void Steps_outside_the_range_are_left_out_and_gaps_leave_no_empty_columns()
    {
        long[] steps = [10, 20, 30, 1000, 2000];
        float[] values = [1, 2, 3, 4, 5];
        var e = Of(steps, values, 15, 1500, 100);
        Assert.Equal([20L, 30L, 1000L], e.Steps);
        Assert.Equal(3, e.Rows);
        Assert.Empty(Of([], [], 1, 10, 10).Steps);
    }
}
