namespace Stethoscope.Charts;

/// <summary>A NaN or infinite value in one pixel column of an envelope: the first such step, what it was, and how many
/// such values the column holds.</summary>
public sealed record NonFiniteMark(long Step, string Value, int Count);

/// <summary>One series of an envelope: per pixel column its lowest, highest, first and last finite value (null when
/// the column holds none) and its non-finite values. Floats, so that JSON carries each as the shortest text that reads back to it (0.1, not 0.10000000149011612).</summary>
public sealed record EnvelopeSeries(float?[] Low, float?[] High, float?[] First, float?[] Last, IReadOnlyList<NonFiniteMark> Bad);

/// <summary>
/// Series over steps cut into pixel columns: <see cref="Steps"/> and <see cref="Through"/> are the first and last step
/// present in each non-empty column, <see cref="Rows"/> how many steps lie in <see cref="From"/>…<see cref="To"/>.
/// </summary>
public sealed record Envelope(long From, long To, int Rows, long[] Steps, long[] Through, IReadOnlyDictionary<string, EnvelopeSeries> Series);

/// <summary>
/// Draws long series faithfully at any zoom: the M4 aggregation (Jugel et al., "M4: A Visualization-Oriented Time
/// Series Data Aggregation", VLDB 2014) keeps, per pixel column, the first, last, lowest and highest value of every
/// step in it, which is all a line chart of the full data would light up in that column — so one spike in 100,000
/// steps is drawn, where sampling (TensorBoard keeps 1,000 points) would likely miss it. Non-finite values are never
/// dropped: each column that holds one carries a mark.
/// </summary>
public static class SeriesEnvelope
{
    public const int MaxWidth = 4000;

    /// <summary>A value that was not measured (an empty cell), kept apart from a measured NaN: a quiet NaN with a payload
    /// of its own, which copying keeps. It is left out of the envelope, where a NaN is marked.</summary>
    public static readonly float Absent = BitConverter.Int32BitsToSingle(0x7FC0_0A5E);

    public static bool IsAbsent(float value) => BitConverter.SingleToInt32Bits(value) == 0x7FC0_0A5E;

    /// <summary>The envelope of <paramref name="columns"/> (each as long as <paramref name="steps"/>, which ascends)
    /// between steps <paramref name="from"/> and <paramref name="to"/> inclusive, in <paramref name="width"/> columns.</summary>
    public static Envelope Of(ReadOnlySpan<long> steps, IReadOnlyList<(string Name, ReadOnlyMemory<float> Values)> columns, long from, long to, int width)
    {
        width = Math.Clamp(width, 1, MaxWidth);
        if (to < from)
            (from, to) = (to, from);
        var start = LowerBound(steps, from);
        var end = LowerBound(steps, to + 1);
        var span = to - from + 1;
        // Which pixel column each step falls into, and where each non-empty column starts.
        var starts = new List<int>();
        var column = -1L;
        for (var i = start; i < end; i++)
        {
            var c = (steps[i] - from) * width / span;
            if (c == column)
                continue;
            column = c;
            starts.Add(i);
        }
        starts.Add(end);
        var buckets = starts.Count - 1;
        var first = new long[buckets];
        var through = new long[buckets];
        for (var b = 0; b < buckets; b++)
        {
            first[b] = steps[starts[b]];
            through[b] = steps[starts[b + 1] - 1];
        }
        var series = new Dictionary<string, EnvelopeSeries>(StringComparer.Ordinal);
        foreach (var (name, values) in columns)
            series[name] = Reduce(steps, values.Span, starts);
        return new Envelope(from, to, end - start, first, through, series);
    }

    static EnvelopeSeries Reduce(ReadOnlySpan<long> steps, ReadOnlySpan<float> values, List<int> starts)
    {
        var buckets = starts.Count - 1;
        float?[] low = new float?[buckets], high = new float?[buckets], first = new float?[buckets], last = new float?[buckets];
        var bad = new List<NonFiniteMark>();
        for (var b = 0; b < buckets; b++)
        {
            var count = 0;
            NonFiniteMark? mark = null;
            for (var i = starts[b]; i < starts[b + 1]; i++)
            {
                var v = values[i];
                if (IsAbsent(v))
                    continue;
                if (!float.IsFinite(v))
                {
                    mark ??= new NonFiniteMark(steps[i], float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity", 0);
                    count++;
                    continue;
                }
                first[b] ??= v;
                last[b] = v;
                low[b] = low[b] is { } l && l <= v ? l : v;
                high[b] = high[b] is { } h && h >= v ? h : v;
            }
            if (mark is not null)
                bad.Add(mark with { Count = count });
        }
        return new EnvelopeSeries(low, high, first, last, bad);
    }

    /// <summary>The first index whose step is at least <paramref name="step"/>.</summary>
    public static int LowerBound(ReadOnlySpan<long> steps, long step)
    {
        int lo = 0, hi = steps.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (steps[mid] < step)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
