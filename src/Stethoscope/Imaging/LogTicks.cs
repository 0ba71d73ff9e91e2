using System.Globalization;

namespace Stethoscope.Imaging;

/// <summary>One tick of a log axis: the data value it marks, and its label (null for an unlabelled minor tick).</summary>
public readonly record struct LogTick(double Value, string? Label)
{
    /// <summary>Where the tick sits on an axis that plots log10 of the data.</summary>
    public double Position => Math.Log10(Value);
}

/// <summary>
/// Ticks for a log axis at any span. Many decades: the powers of ten labelled (every k-th when there are too many),
/// 2..9 as minor ticks. Fewer than three decades: 1, 2 and 5 of each decade labelled, so a loss between 0.3 and 2
/// still reads; then all of 1..9; and when even those give fewer than three labels (a span of a few percent), evenly
/// spaced 1-2-5 values as on a linear axis. There are always at least three labels when the range is not empty.
/// </summary>
public static class LogTicks
{
    /// <summary>Labelled decades at most, before every second (or fifth, …) decade is labelled instead.</summary>
    const int MaxDecadeLabels = 8;

    const int MinLabels = 3;

    /// <summary>Below this many decades 1-2-5 are labelled; the powers of ten alone leave too few labels.</summary>
    const double FewDecades = 3;

    /// <summary>Slack for a tick that falls on the range's edge but misses it by rounding.</summary>
    const double Edge = 1e-9;

    /// <param name="lowLog">log10 of the smallest value shown.</param>
    /// <param name="highLog">log10 of the largest value shown.</param>
    public static IReadOnlyList<LogTick> Between(double lowLog, double highLog)
    {
        if (!double.IsFinite(lowLog) || !double.IsFinite(highLog))
            return [];
        if (lowLog > highLog)
            (lowLog, highLog) = (highLog, lowLog);
        var decades = highLog - lowLog;
        if (decades >= FewDecades)
            return Decades(lowLog, highLog);
        foreach (var labelled in new[] { new[] { 1, 2, 5 }, [1, 2, 3, 4, 5, 6, 7, 8, 9] })
        {
            var ticks = Mantissas(lowLog, highLog, labelled);
            if (ticks.Count(t => t.Label is not null) >= MinLabels)
                return ticks;
        }
        return Linear(Math.Pow(10, lowLog), Math.Pow(10, highLog));
    }

    static List<LogTick> Decades(double lowLog, double highLog)
    {
        var first = (int)Math.Ceiling(lowLog - Edge);
        var last = (int)Math.Floor(highLog + Edge);
        var every = 1;
        while ((last - first) / every + 1 > MaxDecadeLabels)
            every = every switch { 1 => 2, 2 => 5, _ => every * 2 };
        var ticks = new List<LogTick>();
        for (var e = (int)Math.Floor(lowLog); e <= last; e++)
        {
            if (e >= first)
                ticks.Add(new LogTick(Value(1, e), e % every == 0 ? Label(1, e) : null));
            // Minor ticks only while they stay apart; over many decades they would fill the axis.
            if (last - first > 2 * MaxDecadeLabels)
                continue;
            for (var m = 2; m <= 9; m++)
            {
                if (Inside(Value(m, e), lowLog, highLog))
                    ticks.Add(new LogTick(Value(m, e), null));
            }
        }
        return ticks;
    }

    static List<LogTick> Mantissas(double lowLog, double highLog, int[] labelled)
    {
        var ticks = new List<LogTick>();
        for (var e = (int)Math.Floor(lowLog); e <= (int)Math.Floor(highLog + Edge); e++)
        {
            for (var m = 1; m <= 9; m++)
            {
                if (Inside(Value(m, e), lowLog, highLog))
                    ticks.Add(new LogTick(Value(m, e), labelled.Contains(m) ? Label(m, e) : null));
            }
        }
        return ticks;
    }

    /// <summary>Evenly spaced values for a span too narrow for any mantissa: the largest 1-2-5 step that gives three labels.</summary>
    static List<LogTick> Linear(double low, double high)
    {
        var e = (int)Math.Floor(Math.Log10(high - low));
        foreach (var (m, exponent) in new[] { (5, e), (2, e), (1, e), (5, e - 1), (2, e - 1), (1, e - 1), (5, e - 2) })
        {
            var step = Value(m, exponent);
            var first = (long)Math.Ceiling(low / step - Edge);
            var last = (long)Math.Floor(high / step + Edge);
            if (last - first + 1 < MinLabels)
                continue;
            var ticks = new List<LogTick>();
            for (var k = first; k <= last; k++)
                ticks.Add(new LogTick(Value(k * m, exponent), Label(k * m, exponent)));
            return ticks;
        }
        return [];
    }

    static bool Inside(double value, double lowLog, double highLog) => Math.Log10(value) >= lowLog - Edge && Math.Log10(value) <= highLog + Edge;

    /// <summary>m·10^e, divided rather than multiplied for negative e so that 3·10⁻¹ is the double nearest 0.3, as a literal is.</summary>
    static double Value(long m, int e) => e >= 0 ? m * Math.Pow(10, e) : m / Math.Pow(10, -e);

    /// <summary>Plain decimals from 0.001 to 9999 (0.002, 0.5, 20); outside them m·10^e as <c>2e-5</c>.</summary>
    static string Label(long m, int e)
    {
        var value = Value(m, e);
        if (Math.Abs(value) >= 1e-3 && Math.Abs(value) < 1e4)
            return value.ToString("0.##########", CultureInfo.InvariantCulture);
        // From m's digits, not from log10 of the value, which may land just below an integer.
        var digits = m.ToString(CultureInfo.InvariantCulture).Length - 1;
        var mantissa = m / Math.Pow(10, digits);
        return $"{mantissa.ToString("0.######", CultureInfo.InvariantCulture)}e{e + digits}";
    }
}
