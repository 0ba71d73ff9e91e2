using System.Globalization;
using Stethoscope.Charts;
using Stethoscope.Imaging;

namespace Stethoscope.Dashboard;

/// <summary>
/// Named float columns over ascending steps, kept in memory as a run's files grow: a value for a step after the last
/// opens a row (every other column absent until set), a value for an existing step fills that row in (files that write
/// one line per layer and step). 100,000 steps of a dozen columns take about 5 MB.
/// </summary>
sealed class SeriesTable
{
    long[] steps = new long[256];
    readonly List<string> names = [];
    readonly Dictionary<string, int> index = new(StringComparer.Ordinal);
    readonly List<float[]> values = [];

    public int Count { get; private set; }

    public IReadOnlyList<string> Columns => names;

    public long? FirstStep => Count > 0 ? steps[0] : null;

    public long? LastStep => Count > 0 ? steps[Count - 1] : null;

    public ReadOnlySpan<long> Steps => steps.AsSpan(0, Count);

    public void Clear()
    {
        Count = 0;
        names.Clear();
        index.Clear();
        values.Clear();
    }

    public void Set(long step, string column, float value)
    {
        var row = Row(step);
        if (row >= 0)
            Set(row, Column(column), value);
    }

    public void Set(int row, int column, float value) => values[column][row] = value;

    /// <summary>The index of <paramref name="name"/>, a new column (absent everywhere) when there is none yet.</summary>
    public int Column(string name)
    {
        if (index.TryGetValue(name, out var c))
            return c;
        index[name] = c = names.Count;
        names.Add(name);
        var fresh = new float[steps.Length];
        Array.Fill(fresh, SeriesEnvelope.Absent);
        values.Add(fresh);
        return c;
    }

    /// <summary>The row of <paramref name="step"/>, opened when it comes after the last; -1 for a step out of order.</summary>
    public int Row(long step)
    {
        if (Count > 0 && step == steps[Count - 1])
            return Count - 1;
        if (Count > 0 && step < steps[Count - 1])
        {
            var at = SeriesEnvelope.LowerBound(Steps, step);
            return at < Count && steps[at] == step ? at : -1;
        }
        if (Count == steps.Length)
        {
            Array.Resize(ref steps, steps.Length * 2);
            for (var c = 0; c < values.Count; c++)
            {
                var grown = values[c];
                Array.Resize(ref grown, steps.Length);
                Array.Fill(grown, SeriesEnvelope.Absent, Count, grown.Length - Count);
                values[c] = grown;
            }
        }
        steps[Count] = step;
        return Count++;
    }

    public float Value(int row, string column) => index.TryGetValue(column, out var c) ? values[c][row] : SeriesEnvelope.Absent;

    /// <summary>The envelope of the named columns (unknown names are left out; <see cref="ChartVocabulary.SmoothedPrefix"/> names are smoothed
    /// over every step from the first, with <paramref name="smoothing"/> as TensorBoard's slider weight).</summary>
    public Envelope Envelope(IEnumerable<string> columns, long? from, long? to, int width, double smoothing)
    {
        var chosen = new List<(string, ReadOnlyMemory<float>)>();
        foreach (var name in columns.Distinct(StringComparer.Ordinal))
        {
            var plain = name.StartsWith(ChartVocabulary.SmoothedPrefix, StringComparison.Ordinal) ? name[ChartVocabulary.SmoothedPrefix.Length..] : name;
            if (!index.TryGetValue(plain, out var c))
                continue;
            var column = values[c].AsMemory(0, Count);
            chosen.Add((name, plain == name ? column : Smooth(column.Span, smoothing)));
        }
        return SeriesEnvelope.Of(Steps, chosen, from ?? FirstStep ?? 0, to ?? LastStep ?? 0, width);
    }

    static float[] Smooth(ReadOnlySpan<float> column, double weight)
    {
        var doubles = new double[column.Length];
        for (var i = 0; i < column.Length; i++)
            doubles[i] = column[i];
        var smoothed = RunSeries.Smooth(doubles, Math.Clamp(weight, 0, 0.999));
        var result = new float[column.Length];
        for (var i = 0; i < result.Length; i++)
            result[i] = SeriesEnvelope.IsAbsent(column[i]) ? SeriesEnvelope.Absent : (float)smoothed[i];
        return result;
    }

    /// <summary>A cell of a run's CSV as a number: empty is <see cref="SeriesEnvelope.Absent"/> (not measured); text that
    /// is no number is NaN, marked like one, since one bad cell should not blank a live page.</summary>
    public static float Number(ReadOnlySpan<char> cell) =>
        cell.Length == 0 ? SeriesEnvelope.Absent
        : float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : float.NaN;
}
