using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>
/// A probe that also watches the forward pass, as fastai's hooks do: the watcher attaches it to the model once, when
/// watching starts (before the first forward, so step 1 is seen), and disposes the attachment at the end, which
/// removes every hook. What the hooks reduce goes back with the step's readings in <see cref="IProbe.Measure"/>.
/// </summary>
public interface IForwardProbe : IProbe
{
    /// <summary>
    /// Registers the probe's hooks on <paramref name="model"/>. <paramref name="forwardStep"/> says which training step
    /// the forward now running belongs to (the step whose <c>Step</c> call comes next), or null while the forward is not
    /// a training step's (the watcher's own replay of a non-finite step).
    /// </summary>
    IDisposable Attach(nn.Module<Tensor, Tensor> model, Func<long?> forwardStep);
}
