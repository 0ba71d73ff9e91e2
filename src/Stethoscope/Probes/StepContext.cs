using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>
/// What a probe sees of one training step: after <c>backward()</c> and before the optimizer step, so every
/// parameter's <c>.grad</c> is present. <see cref="Layers"/> are the model's weighted layers in forward order.
/// <see cref="Output"/> and <see cref="Targets"/> are null when the loop did not pass them. The tensors belong to
/// the step's dispose scope: reduce them, do not keep them.
/// </summary>
public sealed record StepContext(nn.Module Model, IReadOnlyList<TracedLayer> Layers, Tensor Loss, Tensor? Output, Tensor? Targets, long Step, int Epoch);
