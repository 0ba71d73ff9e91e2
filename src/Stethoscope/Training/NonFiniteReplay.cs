using System.Globalization;
using Stethoscope.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Training;

/// <summary>
/// Finds where the first NaN or infinity of a run came from, in the spirit of TensorBoard's Debugger V2 but only when
/// it is needed: every training forward's input is copied into one buffer on the device (a forward pre-hook, one copy
/// of the batch, no synchronisation), and when a step's readings are not finite the watcher calls <see cref="Locate"/>
/// while the weights are still those of that step's forward (after <c>backward()</c>, before the optimizer). It checks,
/// in this order: the parameters (non-finite weights after a finite previous step: the update did it); a replay of the
/// forward pass with every module's output and input checked in the order modules finish (the first module whose output
/// holds NaN/inf); the loss; and, going backward, each module's own backward (a vector-Jacobian product from the
/// gradient of its output to its input and its own parameters) in reverse forward order. Backward needs the loss: with
/// a loss function (<see cref="WatchSettings.Loss"/>, which the built-in trainer always gives) and the step's targets the
/// gradients of every module's output are computed by <c>torch.autograd.grad</c> (nothing is accumulated into
/// <c>.grad</c>); without one, the parameters' real gradients are read in backward order, which names the first
/// parameter reached but not a module without parameters after it. The replay runs in the model's own mode; BatchNorm
/// statistics and the CPU random generator are restored afterwards, so the run goes on exactly as it would have (a
/// model with dropout draws new masks in the replay, which may not reproduce the step). Nothing it does throws: a
/// replay that fails is reported as <see cref="NonFinitePass.Unknown"/> with the reason.
/// </summary>
public sealed class NonFiniteReplay : IDisposable
{
    readonly nn.Module<Tensor, Tensor> model;
    readonly Func<Tensor, Tensor, Tensor>? loss;
    Action? removeHook;
    Tensor? input;

    /// <param name="model">The model being trained.</param>
    /// <param name="loss">The loss of an output and its targets, or null when it is not known (a user's loop).</param>
    public NonFiniteReplay(nn.Module<Tensor, Tensor> model, Func<Tensor, Tensor, Tensor>? loss)
    {
        this.model = model;
        this.loss = loss;
        removeHook = model.register_forward_pre_hook((_, x) =>
        {
            Keep(x);
            return x;
        }).remove;
    }

    /// <summary>True while the replay's own forward runs: forward probes leave it alone.</summary>
    public bool Replaying { get; private set; }

    /// <summary>Copies a training forward's input (evaluation passes run without gradients and are skipped).</summary>
    void Keep(Tensor x)
    {
        if (Replaying || !is_grad_enabled())
            return;
        using var noGrad = no_grad();
        if (input is not null && input.shape.SequenceEqual(x.shape) && input.dtype == x.dtype && input.device_type == x.device_type && input.device_index == x.device_index)
        {
            input.copy_(x);
            return;
        }
        input?.Dispose();
        input = x.clone().DetachFromDisposeScope();
    }

    /// <summary>
    /// Where the non-finite values of <paramref name="record"/> came from. Call before the optimizer step, with the
    /// step's targets when the loop has them; <paramref name="previous"/> is the step before, when it was watched.
    /// </summary>
    public NonFiniteOrigin Locate(StepRecord record, StepRecord? previous, Tensor? targets, ModelTrace layers)
    {
        try
        {
            using var scope = NewDisposeScope();
            return Search(record, previous, targets, layers);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new NonFiniteOrigin(record.Step, NonFinitePass.Unknown, null, null, null,
                $"replaying step {record.Step} failed ({e.Message.Split('\n')[0].Trim()}); non-finite readings: {NonFiniteReadings(record)}");
        }
    }

    NonFiniteOrigin Search(StepRecord record, StepRecord? previous, Tensor? targets, ModelTrace layers)
    {
        var step = record.Step;
        var parameters = InForwardOrder(layers);
        if (previous is { IsFinite: true } && parameters.FirstOrDefault(p => !IsFinite(p.Tensor)) is { Name: not null } broken)
        {
            return new NonFiniteOrigin(step, NonFinitePass.Update, broken.Owner, broken.Name, true,
                $"{broken.Name} held {Count(broken.Tensor)} before step {step}'s forward pass: the update after step {previous.Step}, whose loss and gradient norms were finite, made it non-finite");
        }
        if (input is null)
            return FromGradients(record, parameters, "no input went through the model's call() with gradients on, so the forward pass could not be replayed");
        using var replay = ForwardReplay.Run(this, model, input);
        if (replay.Calls.FirstOrDefault(c => !IsFinite(c.Output)) is { } first)
            return ForwardOrigin(step, first);
        var output = replay.Calls[^1].Output;
        if (loss is null || targets is null)
        {
            var why = loss is null ? "no loss function was given" : "the step's targets were not given";
            if (!float.IsFinite(record.Loss))
                return new NonFiniteOrigin(step, NonFinitePass.Loss, null, null, true,
                    $"replaying step {step}, every module's output was finite (largest |output| {Largest(output)}), but the recorded loss was {Format(record.Loss)}: the loss computation made it ({why} to replay it)");
            return FromGradients(record, parameters, $"every module's output was finite in the replay and {why}");
        }
        var value = loss(output, targets);
        if (!IsFinite(value))
            return new NonFiniteOrigin(step, NonFinitePass.Loss, null, null, true,
                $"replaying step {step}, every module's output was finite (largest |output| {Largest(output)}) but the loss was {Format(value.to_type(ScalarType.Float32).item<float>())}");
        return Backward(step, replay, value, parameters) ?? FromGradients(record, parameters, "the replayed forward pass, loss and backward pass were all finite");
    }

    /// <summary>The first module of the replay whose output is not finite.</summary>
    static NonFiniteOrigin ForwardOrigin(long step, ReplayedCall call)
    {
        var inputFinite = call.Input is null ? (bool?)null : IsFinite(call.Input);
        var where = call.Path.Length == 0 ? "the model's own forward code (between its submodules)" : call.Path;
        var broken = OwnParameters(call).FirstOrDefault(p => !IsFinite(p.Tensor));
        var why = inputFinite == false
            ? $"its input already held {Count(call.Input!)}: the batch itself is not finite"
            : broken.Name is not null ? $"its input was finite and {broken.Name} holds {Count(broken.Tensor)}"
            : $"its input{(OwnParameters(call).Any() ? " and parameters were" : " was")} finite (largest |input| {(call.Input is null ? "unknown" : Largest(call.Input))}): the values overflowed";
        return new NonFiniteOrigin(step, NonFinitePass.Forward, call.Path.Length == 0 ? null : call.Path, broken.Name, inputFinite,
            $"replaying step {step}, {where} was the first module whose output held {Count(call.Output)}; {why}");
    }

    /// <summary>
    /// The first module, going backward, whose own backward turned a finite gradient into a non-finite one: gradients of
    /// every module's output and input and of every parameter come from one <c>autograd.grad</c>; a module whose
    /// output's gradient is finite while its input's or one of its own parameters' is not is confirmed by its own
    /// vector-Jacobian product (a shared input may have got its NaN elsewhere). A module without children (a leaf) that
    /// qualifies is preferred, the last in forward order; else the innermost container (its own code did it).
    /// </summary>
    static NonFiniteOrigin? Backward(long step, ForwardReplay replay, Tensor value, IReadOnlyList<NamedParameter> parameters)
    {
        var calls = replay.Calls.Where(c => c.Output.requires_grad).ToArray();
        var inputs = calls.Where(c => c.Input is { requires_grad: true }).ToArray();
        var trainable = parameters.Where(p => p.Tensor.requires_grad).ToArray();
        IList<Tensor> wrt = [.. calls.Select(c => c.Output), .. inputs.Select(c => c.Input!), .. trainable.Select(p => p.Tensor)];
        if (wrt.Count == 0)
            return null;
        var grads = autograd.grad([value], wrt, retain_graph: true, allow_unused: true);
        var outputGrad = calls.Select((c, i) => (c, grads[i])).ToDictionary(p => p.c, p => p.Item2);
        var inputGrad = inputs.Select((c, i) => (c, grads[calls.Length + i])).ToDictionary(p => p.c, p => p.Item2);
        var parameterGrad = trainable.Select((p, i) => (p.Name, grads[calls.Length + inputs.Length + i])).ToDictionary(p => p.Name, p => p.Item2);
        bool Broken(Tensor? grad) => grad is { IsInvalid: false } && !IsFinite(grad);
        bool Defined(Tensor? grad) => grad is { IsInvalid: false };
        var modelOutput = replay.Calls[^1];
        if (outputGrad.TryGetValue(modelOutput, out var top) && Broken(top))
            return new NonFiniteOrigin(step, NonFinitePass.Loss, null, null, true,
                $"replaying step {step}, the forward pass and the loss were finite, but the loss's gradient with respect to the model's output held {Count(top)}");
        var firstBrokenParameter = BackwardOrder(parameters).FirstOrDefault(p => Broken(parameterGrad.GetValueOrDefault(p.Name)));
        var candidates = calls.Where(c => Defined(outputGrad[c]) && !Broken(outputGrad[c])
                && (Broken(inputGrad.GetValueOrDefault(c)) || OwnParameters(c).Any(p => Broken(parameterGrad.GetValueOrDefault(p.Name)))))
            .Select(c => (Call: c, Own: OwnBackward(c, outputGrad[c]!)))
            .Where(c => c.Own is not null)
            .ToArray();
        var (call, own) = candidates.LastOrDefault(c => c.Call.IsLeaf);
        if (call is null)
            (call, own) = candidates.FirstOrDefault(c => !c.Call.IsLeaf);
        if (call is null)
        {
            return firstBrokenParameter.Name is null ? null
                : new NonFiniteOrigin(step, NonFinitePass.Backward, firstBrokenParameter.Owner, firstBrokenParameter.Name, null,
                    $"replaying step {step}, the forward pass and the loss were finite; going backward, {firstBrokenParameter.Name} is the first parameter whose gradient held {Count(parameterGrad[firstBrokenParameter.Name])}");
        }
        var parameter = own is { Length: > 0 } ? own : firstBrokenParameter.Name;
        var where = call.Path.Length == 0 ? "the model's own forward code" : call.Path;
        var reached = parameter is null ? "no parameter's gradient was reached" : $"the first parameter reached is {parameter}";
        return new NonFiniteOrigin(step, NonFinitePass.Backward, call.Path.Length == 0 ? null : call.Path, parameter, true,
            $"replaying step {step}, the forward pass and the loss were finite; going backward, {where} turned a finite gradient into NaN/inf (its input and the gradient of its output were finite); {reached}");
    }

    /// <summary>The module's own backward alone, from the gradient of its output: null when finite; else the name of its
    /// own parameter whose gradient is non-finite, or "" when only the gradient of its input is.</summary>
    static string? OwnBackward(ReplayedCall call, Tensor outputGrad)
    {
        var own = OwnParameters(call).Where(p => p.Tensor.requires_grad).ToArray();
        var wrt = new List<Tensor>(own.Select(p => p.Tensor));
        if (call.Input is { requires_grad: true } x)
            wrt.Add(x);
        if (wrt.Count == 0)
            return null;
        var grads = autograd.grad([call.Output], wrt, [outputGrad], retain_graph: true, allow_unused: true);
        for (var i = 0; i < own.Length; i++)
        {
            if (!grads[i].IsInvalid && !IsFinite(grads[i]))
                return own[i].Name;
        }
        return grads.Count > own.Length && !grads[^1].IsInvalid && !IsFinite(grads[^1]) ? "" : null;
    }

    /// <summary>Without a loss to replay backward: the real gradients of this step, parameters in backward order.</summary>
    static NonFiniteOrigin FromGradients(StepRecord record, IReadOnlyList<NamedParameter> parameters, string because)
    {
        var step = record.Step;
        var broken = BackwardOrder(parameters).FirstOrDefault(p => p.Tensor.grad is { } g && !IsFinite(g));
        if (broken.Name is null)
            return new NonFiniteOrigin(step, NonFinitePass.Unknown, null, null, null,
                $"replaying step {step}: {because}, and every parameter's gradient is finite; non-finite readings: {NonFiniteReadings(record)}");
        return new NonFiniteOrigin(step, NonFinitePass.Backward, broken.Owner, broken.Name, null,
            $"at step {step} {because}; located by the parameters' own gradients in backward order, {broken.Name} is the first whose gradient holds {Count(broken.Tensor.grad!)} (a module without parameters after {broken.Owner} may have started it)");
    }

    /// <summary>Every parameter with the path of its module, modules in forward order (never-run ones last).</summary>
    IReadOnlyList<NamedParameter> InForwardOrder(ModelTrace layers)
    {
        var order = layers.Layers.ToDictionary(l => l.Path, l => l.Order ?? int.MaxValue);
        return [.. model.named_parameters()
            .Select(p => new NamedParameter(p.name, Owner(p.name), p.parameter))
            .Select((p, i) => (p, i))
            .OrderBy(x => order.GetValueOrDefault(x.p.Owner, int.MaxValue)).ThenBy(x => x.i)
            .Select(x => x.p)];
    }

    /// <summary>Modules in reverse forward order, each one's parameters in their own order (weight before bias).</summary>
    static IEnumerable<NamedParameter> BackwardOrder(IReadOnlyList<NamedParameter> parameters) =>
        parameters.GroupBy(p => p.Owner).Reverse().SelectMany(g => g);

    static IEnumerable<NamedParameter> OwnParameters(ReplayedCall call) =>
        call.Module.named_parameters(recurse: false).Select(p => new NamedParameter(call.Path.Length == 0 ? p.name : $"{call.Path}.{p.name}", call.Path, p.parameter));

    static string Owner(string parameter) => parameter.LastIndexOf('.') is var dot and > 0 ? parameter[..dot] : "";

    static bool IsFinite(Tensor t) => t.isfinite().all().item<bool>();

    /// <summary>"3 NaN and 12 inf of 2,000 values".</summary>
    static string Count(Tensor t)
    {
        var nan = t.isnan().sum().item<long>();
        var inf = t.isinf().sum().item<long>();
        var parts = new List<string>();
        if (nan > 0)
            parts.Add($"{nan:N0} NaN");
        if (inf > 0)
            parts.Add($"{inf:N0} inf");
        return string.Create(CultureInfo.InvariantCulture, $"{string.Join(" and ", parts)} of {t.numel():N0} values");
    }

    static string Largest(Tensor t) => Format(t.detach().abs().max().item<float>());

    static string Format(float value) => value.ToString("G3", CultureInfo.InvariantCulture);

    static string NonFiniteReadings(StepRecord record)
    {
        var names = record.Names.Where((_, i) => !float.IsFinite(record.Values[i])).Take(6).ToArray();
        return names.Length == 0 ? "none" : string.Join(", ", names.Select(n => $"{n} = {Format(record[n]!.Value)}"));
    }

    public void Dispose()
    {
        removeHook?.Invoke();
        removeHook = null;
        input?.Dispose();
        input = null;
    }

    /// <summary>A parameter, its full name and the path of the module that owns it.</summary>
    readonly record struct NamedParameter(string Name, string Owner, Tensor Tensor);

    /// <summary>One module call of the replayed forward: aliases of its input and output, kept past every scope.</summary>
    sealed class ReplayedCall(string path, nn.Module module, Tensor? input, Tensor output) : IDisposable
    {
        public string Path => path;

        public nn.Module Module => module;

        public Tensor? Input => input;

        public Tensor Output => output;

        public bool IsLeaf { get; } = !module.children().Any();

        public void Dispose()
        {
            input?.Dispose();
            output.Dispose();
        }
    }

    /// <summary>The forward pass again, with a hook on every module recording its calls in the order they finish.</summary>
    sealed class ForwardReplay : IDisposable
    {
        readonly List<ReplayedCall> calls = [];
        readonly List<(Tensor Buffer, Tensor Saved)> buffers = [];
        Tensor? randomState;

        public IReadOnlyList<ReplayedCall> Calls => calls;

        public static ForwardReplay Run(NonFiniteReplay owner, nn.Module<Tensor, Tensor> model, Tensor input)
        {
            var replay = new ForwardReplay();
            List<Action> removers = [];
            try
            {
                replay.Save(model);
                foreach (var (path, module) in ModuleTree.Of(model).Select(m => (m.Path, m.Module)).Prepend(("", model)))
                {
                    if (module is nn.Module<Tensor, Tensor> hookable)
                        removers.Add(hookable.register_forward_hook((_, x, y) => replay.Record(path, module, x, y)).remove);
                }
                owner.Replaying = true;
                using var grad = enable_grad();
                model.call(input.detach());
                return replay;
            }
            catch
            {
                replay.Dispose();
                throw;
            }
            finally
            {
                owner.Replaying = false;
                foreach (var remove in removers)
                    remove();
            }
        }

        Tensor Record(string path, nn.Module module, Tensor x, Tensor y)
        {
            // Aliases share the tensors (and their place in the autograd graph); they leave every scope because a
            // module's forward may open its own, and Sequential disposes its intermediates.
            calls.Add(new ReplayedCall(path, module, x.is_floating_point() ? x.alias().DetachFromDisposeScope() : null, y.alias().DetachFromDisposeScope()));
            return y;
        }

        /// <summary>BatchNorm's running statistics and the random generator, put back when the replay is disposed.</summary>
        void Save(nn.Module model)
        {
            using var noGrad = no_grad();
            foreach (var buffer in model.buffers())
                buffers.Add((buffer, buffer.clone().DetachFromDisposeScope()));
            randomState = random.get_rng_state().DetachFromDisposeScope();
        }

        public void Dispose()
        {
            using (no_grad())
            {
                foreach (var (buffer, saved) in buffers)
                {
                    buffer.copy_(saved);
                    saved.Dispose();
                }
            }
            buffers.Clear();
            if (randomState is not null)
                random.set_rng_state(randomState);
            randomState?.Dispose();
            foreach (var call in calls)
                call.Dispose();
            calls.Clear();
        }
    }
}
