using Stethoscope.Analysis;
using Stethoscope.Models;

namespace Stethoscope.Tests.Analysis;

public class ReceptiveFieldTableTests
{
    static ReceptiveFieldRow Row(LayerStack model, string layer) => ReceptiveFieldTable.Of(model, layer);

    [Fact]
    public void Two_3x3_convolutions_see_5_pixels_and_start_2_pixels_into_the_padding()
    {
        using var model = ErfStack.Build(new ModelRequest(new InputShape(1, 16, 16), ErfStack: new ErfStackSettings(Depth: 2)));
        Assert.Equal(new ReceptiveFieldRow("conv1", ReceptiveFieldKind.Window, 3, 1, -1), Row(model, "conv1"));
        Assert.Equal(new ReceptiveFieldRow("conv2", ReceptiveFieldKind.Window, 5, 1, -2), Row(model, "conv2"));
    }

    [Fact]
    public void A_stride_2_pool_between_two_3x3_convolutions_doubles_the_second_ones_growth()
    {
        using var model = new LayerStackBuilder("hand", new InputShape(1, 20, 20))
            .Conv("a", 1, 3).MaxPool("p", 2, 2).Conv("b", 1, 3).ReLU("r").Build(Objective.None);
        // a: 3; p: 3 + (2−1)·1 = 4, jump 2; b: 4 + (3−1)·2 = 8; r: unchanged.
        Assert.Equal([(3, 1), (4, 2), (8, 2), (8, 2)], ReceptiveFieldTable.Of(model).Select(r => (r.Size!.Value, r.Jump!.Value)));
        Assert.Equal((16, 23), Row(model, "b").WindowOf(8));
    }

    [Fact]
    public void The_seed_network_sees_5_6_14_16_pixels_then_the_whole_input()
    {
        using var model = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        var rows = ReceptiveFieldTable.Of(model).ToDictionary(r => r.Layer);
        Assert.Equal([5, 6, 14, 16], new[] { "conv1", "pool1", "conv2", "pool2" }.Select(n => rows[n].Size!.Value));
        Assert.Equal(4, rows["pool2"].Jump);
        Assert.Equal(ReceptiveFieldKind.WholeInput, rows["fc1"].Kind);
        Assert.Null(rows["fc2"].Size);
    }

    [Fact]
    public void Vgg16_matches_the_published_receptive_fields()
    {
        // Araujo et al., Distill 2019, Table 1: VGG-16 pool5 has r = 212, effective stride 32, effective padding 90.
        using var model = Vgg16.Build(new ModelRequest(new InputShape(3, 224, 224)));
        Assert.Equal(new ReceptiveFieldRow("pool5", ReceptiveFieldKind.Window, 212, 32, -90), Row(model, "pool5"));
        Assert.Equal(196, Row(model, "conv5_3").Size);
        Assert.Equal(92, Row(model, "conv4_3").Size);
        Assert.Equal(40, Row(model, "conv3_3").Size);
        // 7x7 to 7x7 adaptive pooling is the identity.
        Assert.Equal(212, Row(model, "avgpool").Size);
    }

    [Fact]
    public void Adaptive_pooling_without_a_fixed_window_is_named_not_guessed()
    {
        using var model = Vgg16.Build(new ModelRequest(new InputShape(3, 100, 100)));
        var avgpool = Row(model, "avgpool");
        Assert.Equal(ReceptiveFieldKind.Unknown, avgpool.Kind);
        Assert.Equal("avgpool: adaptive pooling from 3x3 to 7x7 has no fixed window", avgpool.Note);
        Assert.Equal(ReceptiveFieldKind.Unknown, Row(model, "fc8").Kind);
        Assert.Equal(212, Row(model, "pool5").Size);
    }

    [Fact]
    public void Every_registered_model_has_a_field_for_each_of_its_modules()
    {
        foreach (var recipe in ModelRegistry.All)
        {
            // Layer stacks at their own input (closed form, shapes known without a pass); other models at most 64 px,
            // which they all accept, so the forward passes stay cheap.
            var input = recipe.DefaultInput with { Height = Math.Min(64, recipe.DefaultInput.Height), Width = Math.Min(64, recipe.DefaultInput.Width) };
            using var built = recipe.Create(new ModelRequest(recipe.DefaultInput), seed: 0);
            using var model = built is LayerStack ? built : recipe.Create(new ModelRequest(input), seed: 0);
            if (built is not LayerStack)
                built.Dispose();
            var shapes = model is LayerStack stack
                ? stack.Layers.Select(l => (Path: l.Name, Spatial: l.OutputShape.Length == 3)).ToArray()
                : [.. ModelTrace.Of(model, input).Layers.Select(l => (l.Path, Spatial: l.IsSpatial))];
            var rows = ReceptiveFieldTable.Of(model, model is LayerStack own ? own.InputShape : input);
            Assert.Equal(shapes.Select(l => l.Path), rows.Select(r => r.Layer));
            foreach (var (layer, row) in shapes.Zip(rows))
            {
                var expected = layer.Spatial ? ReceptiveFieldKind.Window : ReceptiveFieldKind.WholeInput;
                Assert.True(expected == row.Kind, $"{recipe.Name} {layer.Path}: {row.Kind} {row.Note}");
            }
        }
    }

    [Fact]
    public void An_unknown_layer_is_refused_with_the_valid_names()
    {
        using var model = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        var error = Assert.Throws<StethoscopeException>(() => ReceptiveFieldTable.Of(model, "conv9"));
        Assert.Contains("valid layers: conv1, relu1, pool1", error.Message);
    }
}
