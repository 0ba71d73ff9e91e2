using Stethoscope.Analysis;
using Stethoscope.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Analysis;

public class ReceptiveFieldGraphTests
{
    static Dictionary<string, ReceptiveFieldRow> Traced(nn.Module<Tensor, Tensor> model, InputShape input) =>
        ReceptiveFieldTrace.Of(model, input).ToDictionary(r => r.Layer);

    [Fact]
    public void Resnet18_at_224_sees_11_43_99_211_435_pixels_after_maxpool_and_each_stage()
    {
        // DESIGN.md, measured by the brute-force impulse check with PyTorch on torchvision's ResNet-18.
        using var model = ResNet.ResNet18(new ModelRequest(new InputShape(3, 224, 224)));
        var rows = Traced(model, new InputShape(3, 224, 224));
        Assert.Equal([11, 43, 99, 211, 435], new[] { "maxpool", "layer1", "layer2", "layer3", "layer4" }.Select(p => rows[p].Size!.Value));
        Assert.Equal(new ReceptiveFieldRow("layer4", ReceptiveFieldKind.Window, 435, 32, -217), rows["layer4"]);
        Assert.Equal(new ReceptiveFieldRow("conv1", ReceptiveFieldKind.Window, 7, 2, -3), rows["conv1"]);
        // The shortcut of layer2.0 alone sees layer1's 43 pixels through a 1x1 convolution; the block sees 43 + 2·4 + 2·8 = 67.
        Assert.Equal(43, rows["layer2.0.downsample"].Size);
        Assert.Equal(67, rows["layer2.0"].Size);
        Assert.Equal(ReceptiveFieldKind.WholeInput, rows["fc"].Kind);
        Assert.Equal(ModuleTree.Of(model).Select(m => m.Path), ReceptiveFieldTrace.Of(model, new InputShape(3, 224, 224)).Select(r => r.Layer));
        Assert.DoesNotContain(rows.Values, r => r.Kind == ReceptiveFieldKind.Unknown);
    }

    public static TheoryData<string, int, int, int> ZooModels => new()
    {
        { "mnist-net", 1, 28, 28 },
        { "resnet-digits", 1, 28, 28 },
        { "resnet18", 3, 32, 32 },
        { "resnet50", 3, 24, 24 },
    };

    static nn.Module<Tensor, Tensor> Zoo(string name, ModelRequest request) => name switch
    {
        "mnist-net" => MnistNet.Build(request),
        "resnet-digits" => ResNet.Digits(request),
        "resnet18" => ResNet.ResNet18(request),
        _ => ResNet.ResNet50(request),
    };

    [Theory]
    [MemberData(nameof(ZooModels))]
    public void Every_layer_of_every_zoo_model_agrees_with_the_impulse_brute_force(string name, int channels, int height, int width)
    {
        var input = new InputShape(channels, height, width);
        using var model = Zoo(name, new ModelRequest(input));
        var rows = ReceptiveFieldTrace.Of(model, input);
        var reached = ImpulseResponse.Measure(model, input);
        Assert.Equal(rows.Select(r => r.Layer).Order(), reached.Keys.Order());
        foreach (var row in rows)
        {
            Assert.True(row.Kind != ReceptiveFieldKind.Unknown, $"{name} {row.Layer}: {row.Note}");
            var reach = reached[row.Layer];
            var (columns, rowsSeen) = Expected(row, reach.OutputShape, input);
            Assert.True(columns.SequenceEqual(reach.Columns) && rowsSeen.SequenceEqual(reach.Rows),
                $"{name} {row.Layer} ({row.Size}, {row.Jump}, {row.Start}): theory columns {Span(columns)} rows {Span(rowsSeen)}, impulses columns {Span(reach.Columns)} rows {Span(reach.Rows)}");
        }
    }

    /// <summary>The pixels of the centre row and column that the theory says reach the centre unit: the window clipped
    /// to the image along one axis, when the other axis's window holds the centre line.</summary>
    static (int[] Columns, int[] Rows) Expected(ReceptiveFieldRow row, long[] shape, InputShape input)
    {
        var (cy, cx) = ((input.Height - 1) / 2, (input.Width - 1) / 2);
        if (row.Kind == ReceptiveFieldKind.WholeInput)
            return ([.. Enumerable.Range(0, input.Width)], [.. Enumerable.Range(0, input.Height)]);
        var (top, bottom) = row.WindowOf((int)(shape[1] - 1) / 2);
        var (left, right) = row.WindowOf((int)(shape[2] - 1) / 2);
        int[] Clip(int first, int last, int size) => [.. Enumerable.Range(0, size).Where(i => i >= first && i <= last)];
        return (cy >= top && cy <= bottom ? Clip(left, right, input.Width) : [], cx >= left && cx <= right ? Clip(top, bottom, input.Height) : []);
    }

    static string Span(int[] pixels) => pixels.Length == 0 ? "none" : $"{pixels[0]}..{pixels[^1]} ({pixels.Length})";

    /// <summary>A residual block that adds in its own code without describing it.</summary>
    sealed class Undescribed : nn.Module<Tensor, Tensor>
    {
        readonly TorchSharp.Modules.Conv2d conv;
        readonly TorchSharp.Modules.ReLU relu;
        readonly bool inPlace;

        public Undescribed(bool inPlace) : base(nameof(Undescribed))
        {
            conv = nn.Conv2d(1, 1, 3, padding: 1);
            relu = nn.ReLU();
            this.inPlace = inPlace;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = conv.call(x);
            return relu.call(inPlace ? y.add_(x) : y + x);
        }
    }

    [Fact]
    public void An_addition_in_code_without_a_description_is_unknown_with_the_reason()
    {
        using var model = new Undescribed(inPlace: false);
        var rows = Traced(model, new InputShape(1, 8, 8));
        Assert.Equal(3, rows["conv"].Size);
        Assert.Equal(ReceptiveFieldKind.Unknown, rows["relu"].Kind);
        Assert.Equal("relu reads a tensor made in the model's own code, where hooks cannot see (a module can describe it by implementing IReceptiveFieldGraph)", rows["relu"].Note);
    }

    [Fact]
    public void An_in_place_addition_in_code_is_caught_by_the_values_not_taken_for_the_convolutions_field()
    {
        using var model = new Undescribed(inPlace: true);
        var rows = Traced(model, new InputShape(1, 8, 8));
        Assert.Equal(ReceptiveFieldKind.Unknown, rows["relu"].Kind);
        Assert.Contains("it was changed in place after conv made it", rows["relu"].Note);
    }

    /// <summary>Two branches whose centres differ (a 2x2 kernel against a 1x1 one), as a described addition.</summary>
    sealed class Misaligned : nn.Module<Tensor, Tensor>, IReceptiveFieldGraph
    {
        readonly TorchSharp.Modules.Conv2d a;
        readonly TorchSharp.Modules.Conv2d b;
        readonly TorchSharp.Modules.ReLU relu;

        public Misaligned() : base(nameof(Misaligned))
        {
            a = nn.Conv2d(1, 1, 2, padding: 1);
            b = nn.Conv2d(1, 1, 3, padding: 1, dilation: 1);
            relu = nn.ReLU();
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => relu.call(a.call(x)[.., .., ..^1, ..^1] + b.call(x));

        public CodeTensor? Describe(string? child) => child == "relu" ? CodeTensor.Sum("a", "b") : null;
    }

    [Fact]
    public void Paths_into_an_addition_that_disagree_on_centre_are_unknown_not_averaged()
    {
        using var model = new Misaligned();
        var relu = Traced(model, new InputShape(1, 8, 8))["relu"];
        Assert.Equal(ReceptiveFieldKind.Unknown, relu.Kind);
        Assert.Equal("the paths added in the model disagree on jump or centre: a (size 2, jump 1, start -1) and b (size 3, jump 1, start -1)", relu.Note);
    }

    [Fact]
    public void Dilation_groups_and_average_pooling_follow_the_recurrences()
    {
        using var model = nn.Sequential(
            ("dilated", nn.Conv2d(4, 4, 3, padding: 2, dilation: 2, groups: 2)),
            ("norm", nn.BatchNorm2d(4)),
            ("pool", nn.AvgPool2d(2)),
            ("same", nn.Conv2d(4, 4, 5, padding: Padding.Same)));
        var rows = Traced(model, new InputShape(4, 16, 16));
        // span 2·(3−1)+1 = 5; pooling 5+1 = 6, jump 2; a 5x5 "same" conv pads 2: 6+4·2 = 14, start −2−2·2 = −6.
        Assert.Equal(new ReceptiveFieldRow("dilated", ReceptiveFieldKind.Window, 5, 1, -2), rows["dilated"]);
        Assert.Equal(new ReceptiveFieldRow("norm", ReceptiveFieldKind.Window, 5, 1, -2), rows["norm"]);
        Assert.Equal(new ReceptiveFieldRow("pool", ReceptiveFieldKind.Window, 6, 2, -2), rows["pool"]);
        Assert.Equal(new ReceptiveFieldRow("same", ReceptiveFieldKind.Window, 14, 2, -6), rows["same"]);
    }

    [Fact]
    public void Traced_chains_agree_with_the_closed_form()
    {
        using var model = Vgg16.Build(new ModelRequest(new InputShape(3, 32, 32)));
        Assert.Equal(ReceptiveFieldTable.Of(model), ReceptiveFieldTrace.Of(model, new InputShape(3, 32, 32)));
    }
}
