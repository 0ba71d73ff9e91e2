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

    public void Add(string name, Tensor scalar)
    {
        names.Add(name);
        values.Add(scalar.detach().to_type(ScalarType.Float32).reshape(1));
    }

    public IReadOnlyList<string> Names => names;

    /// <summary>Copies every reading to the host. Call inside the step's dispose scope.</summary>
    public float[] Fetch() => values.Count == 0 ? [] : cat(values).cpu().data<float>().ToArray();
}
