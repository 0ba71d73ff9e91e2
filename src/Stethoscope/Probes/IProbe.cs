namespace Stethoscope.Probes;

/// <summary>
/// Measures something about a training step on the device and adds it to the step's readings as scalar tensors.
/// A probe never copies to the host itself: the trainer fetches all readings of a step with one synchronisation.
/// </summary>
public interface IProbe
{
    void Measure(StepContext step, ProbeReadings readings);
}
