using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Probes;

/// <summary>
/// At each of the first <see cref="Every"/> steps (a learning rate too large kills units within them: Adam at 0.01
/// on the digits by step 5) and every <see cref="Every"/>-th step after, what each activation module's output looked
/// like in that step's forward pass, after fastai's <c>ActivationStats</c>: mean, standard deviation (population), and where they apply
/// (<see cref="OutputStatistics"/>) the share of exact zeros, the share of dead units (channels of a 3-d or 4-d output,
/// features of a 2-d one, that were 0 for every element of the whole batch) and the share of saturated outputs.
/// Activation modules (ReLU, Tanh, Sigmoid, GELU, …) are found by walking the model; a model that applies its
/// activations functionally has none, and then the weighted layers' outputs (convolutions, linear layers) are
/// measured instead, mean and standard deviation only. Readings are named <c>act/&lt;module path&gt;/&lt;statistic&gt;</c>.
/// <para>
/// Forward hooks are registered once (<see cref="Attach"/>) and reduce each output at once on the device (TorchSharp's
/// <c>Sequential</c> disposes intermediate outputs), into a few sums per module that live outside every dispose scope
/// until <see cref="Measure"/> turns them into readings, which go back with the step's one synchronisation, and frees
/// them. On steps that are not sampled the hooks return at once. A module called several times in one forward (the
/// <c>relu</c> of torchvision's BasicBlock, used after <c>bn1</c> and after the addition) is summarised over all its
/// calls: every element of every call counts once, and a unit is a channel of one call (so dead_fraction is the share of
/// (call, channel) pairs that were 0 for the whole batch). The forward measured is the last one with gradients enabled
/// before the step's <c>Step</c>, so evaluation passes (under <c>no_grad</c>) are never mixed in.
/// </para>
/// </summary>
public sealed class ActivationStatisticsProbe(int every = ActivationStatisticsProbe.DefaultEvery) : IForwardProbe, IDisposable
{
    public const string Prefix = "act/";
    public const int DefaultEvery = 10;

    public static readonly string[] Statistics = ["mean", "std", "zero_fraction", "dead_fraction", "saturated_fraction"];

    readonly Dictionary<string, OutputSums> sums = [];
    long? sumsStep;
    bool measuring;
    bool attached;

    public int Every { get; } = every >= 1 ? every : throw new StethoscopeException($"the activation statistics interval must be at least 1 step; got {every}");

    public bool IsSampled(long step) => step <= Every || step % Every == 0;

    public static string Name(string layer, string statistic) => $"{Prefix}{layer}/{statistic}";

    /// <summary>The modules whose outputs are measured: every activation module, or, where a model has none, every
    /// weighted layer; each with the statistics that apply to it.</summary>
    public static IReadOnlyList<(string Path, nn.Module<Tensor, Tensor> Module, OutputStatistics Statistics)> Watched(nn.Module model)
    {
        var modules = ModuleTree.Of(model).Where(m => m.Module is nn.Module<Tensor, Tensor>).ToArray();
        var activations = modules
            .Select(m => (m.Path, Module: (nn.Module<Tensor, Tensor>)m.Module, Statistics: OutputStatistics.OfActivation(m.Module)))
            .Where(m => m.Statistics is not null)
            .Select(m => (m.Path, m.Module, m.Statistics!))
            .ToArray();
        return activations.Length > 0
            ? activations
            : [.. modules.Where(m => m.Weight is not null).Select(m => (m.Path, (nn.Module<Tensor, Tensor>)m.Module, OutputStatistics.Moments))];
    }

    public IDisposable Attach(nn.Module<Tensor, Tensor> model, Func<long?> forwardStep)
    {
        if (attached)
            throw new StethoscopeException("an activation statistics probe watches one model at a time");
        attached = true;
        List<Action> removers = [];
        removers.Add(model.register_forward_pre_hook((_, input) =>
        {
            BeginForward(forwardStep());
            return input;
        }).remove);
        foreach (var (path, module, statistics) in Watched(model))
        {
            removers.Add(module.register_forward_hook((_, _, output) =>
            {
                if (measuring)
                    Reduce(path, statistics, output);
                return output;
            }).remove);
        }
        return new Detach(() =>
        {
            foreach (var remove in removers)
                remove();
            Clear();
            attached = false;
        });
    }

    public void Measure(StepContext step, ProbeReadings readings)
    {
        if (sumsStep == step.Step)
        {
            foreach (var layer in sums.Values.OrderBy(s => s.Order))
                layer.AddTo(readings);
        }
        Clear();
    }

    public void Dispose() => Clear();

    /// <summary>A new forward pass, measured when it belongs to a sampled training step: it replaces whatever an earlier
    /// one left. Other passes (evaluation under <c>no_grad</c>, the watcher tracing the model at the first step) leave
    /// the sums alone.</summary>
    void BeginForward(long? step)
    {
        measuring = step is { } s && IsSampled(s) && is_grad_enabled();
        if (!measuring)
            return;
        Clear();
        sumsStep = step;
        measuring = true;
    }

    void Reduce(string path, OutputStatistics statistics, Tensor output)
    {
        if (!output.is_floating_point() || output.numel() == 0)
            return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (reduced, units) = OutputSums.Reduce(output.detach(), statistics);
        if (sums.TryGetValue(path, out var existing))
        {
            existing.Add(reduced, output.numel(), units);
            return;
        }
        sums[path] = new OutputSums(path, statistics, sums.Count, reduced.DetachFromDisposeScope(), output.numel(), units);
    }

    void Clear()
    {
        foreach (var layer in sums.Values)
            layer.Dispose();
        sums.Clear();
        sumsStep = null;
        measuring = false;
    }

    sealed class Detach(Action detach) : IDisposable
    {
        Action? pending = detach;

        public void Dispose()
        {
            pending?.Invoke();
            pending = null;
        }
    }
}
