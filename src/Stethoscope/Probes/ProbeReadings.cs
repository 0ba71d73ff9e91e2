using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>
/// The named scalars measured during one step, still on the device. <see cref="Fetch"/> stacks them and copies them
/// to the host at once: one host synchronisation per step however many probes and layers there are.
/// </summary>
public sealed class ProbeReadings
{
    readonly List<string> names = [];
    readonly List<Tensor> values = [];

    /// <summary>Adds a 0-dimensional tensor; it is read, never kept beyond the step.</summary>
    public void Add(string name, Tensor scalar)
    {
        // One name, one value: a tensor of several would shift every later reading onto the wrong name.
        if (scalar.numel() != 1)
            throw new StethoscopeException($"reading '{name}' must be one value; got a tensor of shape [{string.Join("x", scalar.shape)}] (reduce it, for example with mean())");
        names.Add(name);
        values.Add(scalar.dtype == ScalarType.Float32 ? scalar : scalar.to_type(ScalarType.Float32));
    }

    /// <summary>Adds the elements of a 1-d tensor as readings <c>prefix0</c>, <c>prefix1</c>, … (histogram buckets, weight samples).</summary>
    public void AddSeries(string prefix, Tensor series)
    {
        var count = series.shape[0];
        for (var i = 0; i < count; i++)
            names.Add(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        values.Add(series.dtype == ScalarType.Float32 ? series : series.to_type(ScalarType.Float32));
    }

    public IReadOnlyList<string> Names => names;

    /// <summary>Copies every reading to the host. Call inside the step's dispose scope.</summary>
    public float[] Fetch()
    {
        if (values.Count == 0)
            return [];
        using var noGrad = no_grad();
        return cat([.. values.Select(v => v.reshape(-1))]).cpu().data<float>().ToArray();
    }
}
