using System.Globalization;
using Stethoscope.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>
/// Theoretical receptive fields of any module graph, by one forward pass with hooks on every module (Araujo et al.,
/// "Computing Receptive Fields of Convolutional Neural Networks", Distill 2019). Each tensor carries a field per axis
/// (size, jump, start), found by the identity of the tensor object: a leaf module maps its input's field to its
/// output's by its geometry (convolution and pooling by kernel, stride, padding and dilation read off the module;
/// activations, BatchNorm and dropout pointwise; flatten and linear global), a container's output is whatever child
/// made it, and a tensor made in a module's own code (a residual addition) is described by that module through
/// <see cref="IReceptiveFieldGraph"/>, whose paths must agree on jump and centre. Anything else is unknown, with the
/// reason. Each tensor's values are copied when it is made and compared when it is read, so an in-place change in
/// code (<c>out += identity</c>) is caught instead of silently keeping the old field.
/// </summary>
internal sealed class ReceptiveFieldTrace
{
    /// <summary>One axis of a field: window size, jump between neighbouring units, and start of unit 0's window.</summary>
    internal readonly record struct Axis(long Size, long Jump, long Start)
    {
        public Axis Through(long kernel, long stride, long padding, long dilation) =>
            new(Size + dilation * (kernel - 1) * Jump, Jump * stride, Start - padding * Jump);

        /// <summary>Twice the centre of unit 0's window, an integer even for even sizes.</summary>
        public long DoubleCentre => 2 * Start + Size - 1;

        public long End => Start + Size - 1;

        public override string ToString() => $"size {Size}, jump {Jump}, start {Start}";
    }

    /// <summary>A tensor's receptive field: a window per axis, the whole input, or unknown with the reason.</summary>
    internal sealed record Field(ReceptiveFieldKind Kind, Axis Rows, Axis Columns, string? Note = null)
    {
        public static Field Pixel { get; } = new(ReceptiveFieldKind.Window, new Axis(1, 1, 0), new Axis(1, 1, 0));

        public static Field Unknown(string reason) => new(ReceptiveFieldKind.Unknown, default, default, reason);

        public Field Through(long[] kernel, long[] stride, long[] padding, long[] dilation) => this with
        {
            Rows = Rows.Through(kernel[0], stride[0], padding[0], dilation[0]),
            Columns = Columns.Through(kernel[1], stride[1], padding[1], dilation[1]),
        };
    }

    sealed record Known(Field Field, Tensor Values, string Producer);

    sealed record Frame(string Path, nn.Module Module, Field Input, long[] InputShape);

    readonly InputShape image;
    readonly Dictionary<Tensor, Known> tensors = new(ReferenceEqualityComparer.Instance);
    readonly Stack<Frame> running = new();
    readonly Dictionary<string, (Field Field, long[] Shape)> latest = [];
    readonly Dictionary<string, List<Field>> calls = [];

    ReceptiveFieldTrace(InputShape image) => this.image = image;

    /// <summary>Every module path's field, depth first as <c>named_modules()</c> lists them.</summary>
    public static IReadOnlyList<ReceptiveFieldRow> Of(nn.Module<Tensor, Tensor> model, InputShape input)
    {
        var trace = new ReceptiveFieldTrace(input);
        var modules = ModuleTree.Of(model);
        var removers = new List<Action>();
        var wasTraining = model.training;
        try
        {
            trace.Hook(model, "", removers);
            foreach (var named in modules)
                if (named.Module is nn.Module<Tensor, Tensor> hookable)
                    trace.Hook(hookable, named.Path, removers);
            // Evaluation mode: BatchNorm then maps each position on its own (batch statistics would mix the batch).
            model.eval();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            var generator = new Generator(0, device);
            // Random values, so that an in-place change of a tensor shows in its values.
            var x = randn(input.WithBatch(1), device: device, generator: generator);
            trace.Remember(x, Field.Pixel, "the input");
            model.call(x);
        }
        catch (Exception e) when (e is not StethoscopeException)
        {
            throw new StethoscopeException($"input {input} does not fit {model.GetName()}: {e.Message.Split('\n')[0].Trim()}");
        }
        finally
        {
            foreach (var remove in removers)
                remove();
            model.train(wasTraining);
            foreach (var known in trace.tensors.Values)
                known.Values.Dispose();
        }
        return [.. modules.Select(m => trace.Row(m))];
    }

    void Hook(nn.Module<Tensor, Tensor> module, string path, List<Action> removers)
    {
        var pre = module.register_forward_pre_hook((m, input) =>
        {
            running.Push(new Frame(path, m, Resolve(input, path), input.shape));
            return input;
        });
        removers.Add(pre.remove);
        var post = module.register_forward_hook((m, input, output) =>
        {
            var frame = running.Pop();
            var field = m.children().Any() ? OutputOf(frame, output) : Leaf(frame, output.shape);
            Remember(output, field, path);
            latest[path] = (field, output.shape);
            if (!calls.TryGetValue(path, out var list))
                calls[path] = list = [];
            list.Add(field);
            return output;
        });
        removers.Add(post.remove);
    }

    void Remember(Tensor tensor, Field field, string producer)
    {
        if (tensors.Remove(tensor, out var old))
            old.Values.Dispose();
        tensors[tensor] = new Known(field, tensor.detach().clone().DetachFromDisposeScope(), producer);
    }

    /// <summary>The field of a tensor already seen, or null (with why) when it was made or changed outside any module.</summary>
    Field? Lookup(Tensor tensor, out string why)
    {
        why = "";
        if (!tensors.TryGetValue(tensor, out var known))
            return null;
        if (known.Values.shape.SequenceEqual(tensor.shape) && known.Values.eq(tensor).all().item<bool>())
            return known.Field;
        why = $" (it was changed in place after {Name(known.Producer)} made it)";
        return null;
    }

    /// <summary>The field of the input a module is about to read.</summary>
    Field Resolve(Tensor input, string path)
    {
        if (Lookup(input, out var why) is { } field)
            return field;
        if (running.Count == 0)
            return Field.Unknown($"the model's input is not the traced one");
        var parent = running.Peek();
        var child = parent.Path.Length == 0 ? path : path[(parent.Path.Length + 1)..];
        var resolved = parent.Module is IReceptiveFieldGraph graph && graph.Describe(child) is { } described
            ? Combine(described, parent)
            : Field.Unknown($"{path} reads a tensor made in {Name(parent.Path)}'s own code{why}, where hooks cannot see (a module can describe it by implementing IReceptiveFieldGraph)");
        Remember(input, resolved, parent.Path);
        return resolved;
    }

    /// <summary>A container's output: the field of the child that made it, or what the container says its code made.</summary>
    Field OutputOf(Frame frame, Tensor output)
    {
        if (Lookup(output, out var why) is { } field)
            return field;
        return frame.Module is IReceptiveFieldGraph graph && graph.Describe(null) is { } described
            ? Combine(described, frame)
            : Field.Unknown($"the output of {Name(frame.Path)} is made in its own code{why}, where hooks cannot see (a module can describe it by implementing IReceptiveFieldGraph)");
    }

    static string Name(string path) => path.Length == 0 ? "the model" : path;

    /// <summary>A tensor made in a module's code: the sum of its sources, where all must share jump and centre
    /// (Araujo et al., section "Arbitrary computation graphs"), and then perhaps flattened.</summary>
    Field Combine(CodeTensor described, Frame frame)
    {
        var sources = described.Added.Select(name =>
        {
            if (name.Length == 0)
                return (Name: "the block's input", frame.Input, Shape: frame.InputShape);
            var path = frame.Path.Length == 0 ? name : $"{frame.Path}.{name}";
            return latest.TryGetValue(path, out var seen)
                ? (Name: path, Input: seen.Field, seen.Shape)
                : (Name: path, Input: Field.Unknown($"{path}, named by {Name(frame.Path)}'s graph, never ran"), Shape: Array.Empty<long>());
        }).ToArray();
        if (sources.Length == 0)
            return Field.Unknown($"{Name(frame.Path)} describes a tensor with no sources");
        var unknown = sources.FirstOrDefault(s => s.Input.Kind == ReceptiveFieldKind.Unknown);
        if (unknown.Name is not null)
            return unknown.Input;
        Field sum;
        if (sources.All(s => s.Input.Kind == ReceptiveFieldKind.WholeInput))
            sum = sources[0].Input;
        else if (sources.Any(s => s.Input.Kind == ReceptiveFieldKind.WholeInput))
            return Field.Unknown($"{Name(frame.Path)} adds a map to a vector");
        else
        {
            var first = sources[0];
            foreach (var other in sources.Skip(1))
            {
                if (first.Input.Rows.Jump != other.Input.Rows.Jump || first.Input.Columns.Jump != other.Input.Columns.Jump
                    || first.Input.Rows.DoubleCentre != other.Input.Rows.DoubleCentre || first.Input.Columns.DoubleCentre != other.Input.Columns.DoubleCentre)
                    return Field.Unknown($"the paths added in {Name(frame.Path)} disagree on jump or centre: {first.Name} ({first.Input.Rows}) and {other.Name} ({other.Input.Rows})");
            }
            // Same jump and centre: the windows are nested, so the sum sees the largest.
            sum = sources.Select(s => s.Input).MaxBy(f => f.Rows.Size * f.Columns.Size)!;
        }
        return described.Flattened ? Global(sum, sources[0].Shape, $"{Name(frame.Path)}'s flatten") : sum;
    }

    /// <summary>Every unit of a map feeds the output: the union of all their windows, the whole input when it covers it.</summary>
    Field Global(Field field, long[] shape, string what)
    {
        if (field.Kind != ReceptiveFieldKind.Window || shape.Length != 4)
            return field;
        var rows = field.Rows with { Size = field.Rows.Size + (shape[2] - 1) * field.Rows.Jump, Jump = field.Rows.Jump * shape[2] };
        var columns = field.Columns with { Size = field.Columns.Size + (shape[3] - 1) * field.Columns.Jump, Jump = field.Columns.Jump * shape[3] };
        if (rows.Start <= 0 && rows.End >= image.Height - 1 && columns.Start <= 0 && columns.End >= image.Width - 1)
            return new Field(ReceptiveFieldKind.WholeInput, rows, columns, "whole input");
        return new Field(ReceptiveFieldKind.Window, rows, columns, $"{what} reads input rows {Math.Max(0, rows.Start)}..{Math.Min(image.Height - 1, rows.End)} and columns {Math.Max(0, columns.Start)}..{Math.Min(image.Width - 1, columns.End)} only");
    }

    /// <summary>A leaf module's output field from its input field, by its geometry.</summary>
    Field Leaf(Frame frame, long[] outputShape)
    {
        var input = frame.Input;
        if (input.Kind == ReceptiveFieldKind.Unknown)
            return input;
        var path = frame.Path;
        var spatial = frame.InputShape.Length == 4;
        switch (frame.Module)
        {
            case IReceptiveFieldLeaf leaf:
                return Described(leaf.Geometry(frame.InputShape, outputShape), input, frame.InputShape, path);
            case Conv2d conv when !conv.transposed:
                if (conv.padding_mode != PaddingModes.Zeros)
                    return Field.Unknown($"{path}: {conv.padding_mode} padding repeats border pixels; the window formula assumes zero padding");
                var padding = conv.padding ?? (conv.padding_type == Padding.Same
                    ? [.. conv.kernel_size.Zip(conv.dilation, (k, d) => d * (k - 1) / 2)]
                    : [0, 0]);
                return Spatial(input, path, () => input.Through(conv.kernel_size, conv.stride, padding, conv.dilation));
            case MaxPool2d pool:
                return Spatial(input, path, () => input.Through(Pair(pool.kernel_size, 1), Pair(pool.stride ?? pool.kernel_size, 1), Pair(pool.padding, 0), Pair(pool.dilation, 1)));
            case AvgPool2d pool:
                return Spatial(input, path, () => input.Through(Pair(pool.kernel_size, 1), Pair(pool.stride ?? pool.kernel_size, 1), Pair(pool.padding, 0), [1, 1]));
            case AdaptiveAvgPool2d or AdaptiveMaxPool2d:
                var (h, w, oh, ow) = (frame.InputShape[^2], frame.InputShape[^1], outputShape[^2], outputShape[^1]);
                // Adaptive pooling has one window size for all units only when the output divides the input.
                if (h % oh != 0 || w % ow != 0)
                    return Field.Unknown($"{path}: adaptive pooling from {h}x{w} to {oh}x{ow} has no fixed window");
                return Spatial(input, path, () => input.Through([h / oh, w / ow], [h / oh, w / ow], [0, 0], [1, 1]));
            case Flatten flatten:
                return spatial && flatten.start_dim is 1 or 0 ? Global(input, frame.InputShape, path) : spatial ? Field.Unknown($"{path}: flatten from dimension {flatten.start_dim} keeps part of the map") : input;
            case Linear:
                return spatial ? Field.Unknown($"{path}: a linear layer on a map mixes its last axis only") : input;
            case Softmax { dim: not 1 } or LogSoftmax { dim: not 1 } or Softmin { dim: not 1 } when spatial:
                return Field.Unknown($"{path}: a softmax over a spatial axis mixes the whole map");
            case Softmax or LogSoftmax or Softmin:
                return input;
            case BatchNorm or Identity or Dropout or Dropout1d or Dropout2d or Dropout3d or AlphaDropout or FeatureAlphaDropout
                or ReLU or ReLU6 or LeakyReLU or PReLU or RReLU or ELU or CELU or SELU or GELU or SiLU or Mish or Sigmoid or Tanh
                or Hardtanh or Hardswish or Hardsigmoid or Softplus or Softsign or LogSigmoid or Tanhshrink or Softshrink or Hardshrink or Threshold:
                return input;
            default:
                return Field.Unknown($"{path}: {frame.Module.GetType().Name} has no known geometry");
        }
    }

    /// <summary>The field after a module that describes its own geometry.</summary>
    Field Described(LeafGeometry geometry, Field input, long[] inputShape, string path) => geometry.Kind switch
    {
        GeometryKind.Pointwise => input,
        GeometryKind.Window => Spatial(input, path, () => input.Through(geometry.Kernel, geometry.Stride, geometry.PaddingBefore, geometry.Dilation)),
        GeometryKind.Global => inputShape.Length == 4 ? Global(input, inputShape, path) : input,
        _ => Field.Unknown($"{path}: {geometry.Reason}"),
    };

    static Field Spatial(Field input, string path, Func<Field> through) =>
        input.Kind == ReceptiveFieldKind.Window ? through() : Field.Unknown($"{path}: a window over a tensor that is not a map");

    /// <summary>TorchSharp keeps a pooling module's sizes as given: one value for both axes, or none for the default.</summary>
    static long[] Pair(long[]? values, long fallback) => values switch
    {
        null or [] => [fallback, fallback],
        [var one] => [one, one],
        _ => values,
    };

    ReceptiveFieldRow Row(NamedModule module)
    {
        if (!calls.TryGetValue(module.Path, out var fields))
            return new ReceptiveFieldRow(module.Path, ReceptiveFieldKind.Unknown, null, null, null,
                module.Module is nn.Module<Tensor, Tensor>
                    ? $"{module.Path} never ran through call() (a parent calling its forward() directly skips hooks)"
                    : $"{module.Path} is not a tensor-to-tensor module");
        var last = fields[^1];
        var note = fields.Distinct().Count() > 1
            ? $"ran {fields.Count} times with different fields; the last call's is shown"
            : null;
        return last.Kind switch
        {
            ReceptiveFieldKind.Window when last.Rows != last.Columns => new ReceptiveFieldRow(module.Path, ReceptiveFieldKind.Unknown, null, null, null,
                $"{module.Path} has a rectangular field: rows {last.Rows}; columns {last.Columns}"),
            ReceptiveFieldKind.Window => new ReceptiveFieldRow(module.Path, ReceptiveFieldKind.Window, (int)last.Rows.Size, (int)last.Rows.Jump, (int)last.Rows.Start, JoinNotes(last.Note, note)),
            ReceptiveFieldKind.WholeInput => new ReceptiveFieldRow(module.Path, ReceptiveFieldKind.WholeInput, null, null, null, JoinNotes("whole input", note)),
            _ => new ReceptiveFieldRow(module.Path, ReceptiveFieldKind.Unknown, null, null, null, last.Note),
        };
    }

    static string? JoinNotes(string? a, string? b) => a is null ? b : b is null ? a : string.Create(CultureInfo.InvariantCulture, $"{a}; {b}");
}
