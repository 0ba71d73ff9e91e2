using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>
/// What a probe sees of one training step: after <c>backward()</c> and before the optimizer step, so every
/// parameter's <c>.grad</c> is present. The tensors belong to the step's dispose scope: reduce them, do not keep them.
/// </summary>
public sealed record StepContext(LayerStack Model, Tensor Input, Tensor Output, Tensor Targets, Tensor Loss, long Step, int Epoch);
