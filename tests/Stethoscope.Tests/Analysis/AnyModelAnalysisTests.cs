using Stethoscope.Analysis;
using Stethoscope.Models;
using Stethoscope.Tests.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Analysis;

/// <summary>The analyses on a user's own residual network, its layers addressed by module path.</summary>
public class AnyModelAnalysisTests
{
    static readonly Device Cpu = CPU;

    [Fact]
    public void Feature_maps_of_a_nested_layer_equal_the_module_s_own_output()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        using var model = new TestNet();
        model.eval();
        var image = randn(1, 8, 8);
        var maps = FeatureMaps.Of(model, image, "block.conv1", Cpu);
        Assert.Equal(new long[] { 8, 4, 4 }, maps.shape);
        using var noGrad = no_grad();
        var stem = nn.functional.relu(((nn.Module<Tensor, Tensor>)ModuleTree.Find(model, "stem").Module).call(image.unsqueeze(0)));
        var conv1 = ((nn.Module<Tensor, Tensor>)ModuleTree.Find(model, "block.conv1").Module).call(stem);
        Assert.True(maps.allclose(conv1[0]));
    }

    [Fact]
    public void Layers_before_the_head_take_an_input_of_another_size_and_the_default_is_the_last_map()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        using var model = new TestNet();
        // The head pools to one value per channel, so any size works; the last module with a map is the dropout.
        Assert.Equal(new long[] { 8, 10, 12 }, FeatureMaps.Of(model, randn(1, 20, 23), null, Cpu).shape);
        Assert.Equal("dropout", ModelTrace.Of(model, new InputShape(1, 20, 23)).SpatialLayer(null).Path);
    }

    [Fact]
    public void Hypercolumns_stack_the_upsampled_outputs_of_the_named_paths()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        using var model = new TestNet();
        var columns = Hypercolumns.Extract(model, randn(1, 8, 8), ["stem", "block.shortcut", "head"], Cpu);
        Assert.Equal(new long[] { 4 + 8 + 3, 8, 8 }, columns.shape);
    }

    [Fact]
    public void The_effective_receptive_field_of_a_residual_block_is_measured_at_any_input_size()
    {
        random.manual_seed(2);
        using var model = new TestNet();
        var field = EffectiveReceptiveField.Measure(model, ErfInputs.Random(new InputShape(1, 16, 16), seed: 1), new ErfSettings("block", Samples: 4, BatchSize: 2), Cpu);
        Assert.Equal(("block", 4, 4, 16, 16), (field.Layer, field.UnitRow, field.UnitColumn, field.Height, field.Width));
        // stem 3x3 (size 3, start -1), conv1 3x3 stride 2 pad 1 (size 5, jump 2, start -2), conv2 3x3 pad 1 (size 9,
        // start -4): unit 4 sees input rows and columns 4..12. The shortcut's 1x1 stride-2 path (7..9) lies inside.
        for (var row = 0; row < 16; row++)
        {
            for (var column = 0; column < 16; column++)
            {
                if (row is < 4 or > 12 || column is < 4 or > 12)
                    Assert.Equal(0, field[row, column]);
            }
        }
        Assert.True(field[8, 8] > 0);
        Assert.Equal(ReceptiveFieldKind.Unknown, field.Theoretical.Kind);
    }

    [Fact]
    public void Outputs_of_modules_that_open_their_own_dispose_scope_survive_it()
    {
        // The zoo's ResNets dispose everything made inside their forward, as TorchSharp advises; a capture must not be.
        using var scope = NewDisposeScope();
        using var resnet = ModelRegistry.Find("resnet-digits").Create(new ModelRequest(new InputShape(1, 28, 28)), seed: 0);
        Assert.Equal(new long[] { 16, 14, 14 }, FeatureMaps.Of(resnet, randn(1, 28, 28), "layer1.0", Cpu).shape);
        Assert.Equal(new long[] { 16 + 32, 28, 28 }, Hypercolumns.Extract(resnet, randn(1, 28, 28), ["layer1", "layer2"], Cpu).shape);
        var field = EffectiveReceptiveField.Measure(resnet, ErfInputs.Random(new InputShape(1, 28, 28), seed: 0), new ErfSettings("layer2", Samples: 2), Cpu);
        Assert.True(field[field.Height / 2, field.Width / 2] > 0);
    }

    [Fact]
    public void A_trained_chain_s_effective_field_is_measured_at_a_size_its_head_refuses()
    {
        using var model = MnistNet.Recipe.Create(new ModelRequest(new InputShape(1, 28, 28)), seed: 0);
        var field = EffectiveReceptiveField.Measure(model, ErfInputs.Random(new InputShape(1, 64, 64), seed: 0), new ErfSettings("conv2", Samples: 2), Cpu);
        Assert.Equal((64, 64, 13, 13), (field.Height, field.Width, field.UnitRow, field.UnitColumn));
        Assert.Equal(ReceptiveFieldKind.Unknown, field.Theoretical.Kind);
        Assert.Contains("does not fit mnist-net", field.Theoretical.Note);
    }

    [Fact]
    public void Capture_hooks_are_removed_when_the_forward_pass_fails()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(2);
        using var model = new TestNet();
        var conv2 = (nn.Module<Tensor, Tensor>)ModuleTree.Find(model, "block.conv2").Module;
        var error = Assert.Throws<StethoscopeException>(() => LayerOutputs.Capture(model, randn(1, 2, 8, 8), ["block.conv2"]));
        Assert.StartsWith("input [2x8x8] does not fit test-net up to block.conv2", error.Message);
        Assert.Equal(0, PostHooks(conv2));
        LayerOutputs.Capture(model, randn(1, 1, 8, 8), ["block.conv2", "stem"]);
        Assert.Equal(0, PostHooks(conv2));
    }

    [Fact]
    public void An_unknown_path_and_a_module_that_never_runs_are_each_one_clear_error()
    {
        using var scope = NewDisposeScope();
        using var model = new TestNet(skipHooks: true);
        Assert.StartsWith("model test-net has no layer 'block.conv3'; valid layers: head, stem, block, block.conv1",
            Assert.Throws<StethoscopeException>(() => LayerOutputs.Of(model, randn(1, 1, 8, 8), "block.conv3")).Message);
        Assert.StartsWith("layer stem of test-net never ran through call()",
            Assert.Throws<StethoscopeException>(() => LayerOutputs.Of(model, randn(1, 1, 8, 8), "stem")).Message);
    }

    /// <summary>TorchSharp keeps a module's forward hooks in a protected dictionary; the count is what a leak would show.</summary>
    static int PostHooks(nn.Module<Tensor, Tensor> module)
    {
        for (var type = module.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField("post_hooks", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance) is { } field)
                return ((System.Collections.ICollection)field.GetValue(module)!).Count;
        }
        throw new InvalidOperationException("TorchSharp no longer keeps forward hooks in post_hooks");
    }
}
