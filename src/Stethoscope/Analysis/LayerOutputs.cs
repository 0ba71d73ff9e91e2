using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>
/// The outputs of named modules of any model for one forward pass, captured with forward hooks that live only for
/// that pass and are removed in <c>finally</c>, whatever happens. Each output is cloned in its hook (TorchSharp's
/// <c>Sequential</c> disposes intermediate outputs as it goes); the clone stays in the autograd graph, so a
/// gradient can flow from a captured output back to the input. The pass stops as soon as the last named module has
/// run, so layers after it cost nothing and an input of another size than the model's head accepts still works for
/// every layer before the head. A module whose <c>forward</c> opens its own dispose scope (TorchSharp's advice, and
/// the zoo's ResNets) would dispose a clone made inside it, so each clone leaves every scope in the hook and joins the
/// caller's scope once the pass is over.
/// </summary>
public static class LayerOutputs
{
    public static Dictionary<string, Tensor> Capture(nn.Module<Tensor, Tensor> model, Tensor input, IReadOnlyCollection<string> paths)
    {
        var wanted = paths.Distinct().ToDictionary(p => p, p => Hookable(model, p));
        var captured = new Dictionary<string, Tensor>();
        var removers = new List<Action>();
        try
        {
            foreach (var (path, module) in wanted)
            {
                removers.Add(module.register_forward_hook((_, _, output) =>
                {
                    if (!captured.ContainsKey(path))
                        captured[path] = output.clone().DetachFromDisposeScope();
                    if (captured.Count == wanted.Count)
                        throw new CaptureComplete();
                    return output;
                }).remove);
            }
            model.call(input);
        }
        catch (CaptureComplete)
        {
            // Every output is in: the rest of the forward pass is not needed.
        }
        catch (Exception e) when (e is not StethoscopeException)
        {
            throw new StethoscopeException($"input [{string.Join("x", input.shape.Skip(1))}] does not fit {model.GetName()} up to {string.Join(", ", paths)}: {e.Message.Split('\n')[0].Trim()}");
        }
        finally
        {
            foreach (var remove in removers)
                remove();
            AdoptIntoCurrentScope(captured);
        }
        var silent = wanted.Keys.Where(p => !captured.ContainsKey(p)).ToArray();
        if (silent.Length > 0)
            throw new StethoscopeException($"layer {string.Join(", ", silent)} of {model.GetName()} never ran through call(): unused, or its parent calls forward() directly, which skips TorchSharp's hooks");
        return captured;
    }

    /// <summary>Replaces each detached clone by an alias made here, in the caller's dispose scope, and frees the clone's
    /// own handle (the storage and the autograd graph live on in the alias).</summary>
    static void AdoptIntoCurrentScope(Dictionary<string, Tensor> captured)
    {
        foreach (var (path, detached) in captured.ToArray())
        {
            captured[path] = detached.alias();
            detached.Dispose();
        }
    }

    /// <summary>The output of one module.</summary>
    public static Tensor Of(nn.Module<Tensor, Tensor> model, Tensor input, string path) => Capture(model, input, [path])[path];

    static nn.Module<Tensor, Tensor> Hookable(nn.Module model, string path) =>
        ModuleTree.Find(model, path).Module as nn.Module<Tensor, Tensor>
        ?? throw new StethoscopeException($"layer {path} of {model.GetName()} does not map one tensor to one tensor, so its output cannot be captured");

    /// <summary>Thrown by the last hook to end the forward pass early; never leaves <see cref="Capture"/>.</summary>
    sealed class CaptureComplete : Exception;
}
