using Stethoscope.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Analysis;

/// <summary>
/// The brute-force receptive field that the theory must match: with every weight positive, biases zero and BatchNorm
/// an identity, a zero image gives zeros everywhere, so an impulse at an input pixel changes a unit exactly when the
/// pixel lies in the unit's receptive field. One impulse per pixel of the centre row and of the centre column, all in
/// one batch (in float64, so that deep products neither underflow nor overflow), and a hook per module keeps which
/// impulses reached its centre unit (the last call's, as the table reports a module's last call).
/// </summary>
static class ImpulseResponse
{
    /// <summary>Per module path: the map size, and the columns (along the centre row) and rows (along the centre
    /// column) whose impulse changed the centre unit.</summary>
    public sealed record Reach(long[] OutputShape, int[] Columns, int[] Rows);

    public static Dictionary<string, Reach> Measure(nn.Module<Tensor, Tensor> model, InputShape input)
    {
        using var scope = NewDisposeScope();
        model.to(float64);
        model.eval();
        using (no_grad())
        {
            foreach (var (_, module) in model.named_modules())
            {
                foreach (var (name, p) in module.named_parameters(recurse: false))
                    p.fill_(name == "weight" && p.dim() >= 2 ? 1.0 / (p.numel() / p.shape[0]) : name == "weight" ? 1.0 : 0.0);
                if (module is BatchNorm norm)
                {
                    norm.running_mean!.fill_(0);
                    norm.running_var!.fill_(1);
                }
            }
        }
        var (h, w) = (input.Height, input.Width);
        var (cy, cx) = ((h - 1) / 2, (w - 1) / 2);
        var x = zeros([w + h, input.Channels, h, w], float64);
        for (var c = 0; c < w; c++)
            x[c, .., cy, c] = tensor(1.0, float64);
        for (var r = 0; r < h; r++)
            x[w + r, .., r, cx] = tensor(1.0, float64);
        var reached = new Dictionary<string, Reach>();
        var removers = new List<Action>();
        try
        {
            foreach (var named in ModuleTree.Of(model))
            {
                if (named.Module is not nn.Module<Tensor, Tensor> hookable)
                    continue;
                var path = named.Path;
                var remover = hookable.register_forward_hook((_, _, output) =>
                {
                    var centre = output.dim() == 4 ? output[.., .., (output.shape[2] - 1) / 2, (output.shape[3] - 1) / 2] : output.flatten(1);
                    var changed = centre.abs().sum(1).gt(0).cpu().data<bool>().ToArray();
                    reached[path] = new Reach(output.shape[1..],
                        [.. Enumerable.Range(0, w).Where(c => changed[c])], [.. Enumerable.Range(0, h).Where(r => changed[w + r])]);
                    return output;
                });
                removers.Add(remover.remove);
            }
            using (no_grad())
                model.call(x);
        }
        finally
        {
            foreach (var remove in removers)
                remove();
        }
        return reached;
    }
}
