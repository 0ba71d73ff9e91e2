namespace Stethoscope.Diagnosis;

/// <summary>The last <c>capacity</c> finite values of a series (a loss, a ratio), with their median and mean.</summary>
public sealed class StepWindow(int capacity)
{
    readonly Queue<double> values = new(capacity);

    public int Count => values.Count;

    public bool IsFull => values.Count == capacity;

    /// <summary>Adds a value, dropping the oldest when full; a NaN or infinite value is not kept.</summary>
    public void Add(double value)
    {
        if (!double.IsFinite(value))
            return;
        if (values.Count == capacity)
            values.Dequeue();
        values.Enqueue(value);
    }

    public void Clear() => values.Clear();

    public double Mean => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>The median (the mean of the two middle values for an even count); NaN when empty.</summary>
    public double Median => Middle(values);

    public static double Middle(IEnumerable<double> series)
    {
        var sorted = series.Order().ToArray();
        if (sorted.Length == 0)
            return double.NaN;
        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}
