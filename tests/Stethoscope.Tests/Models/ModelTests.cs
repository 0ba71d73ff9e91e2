using Stethoscope.Models;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Models;

public class ModelTests
{
    public static TheoryData<string, string, long> Outputs => new()
    {
        { "mnist-net", "1x28x28", 10 },
        { "workshop-cnn", "3x32x32", 10 },
        { "workshop-cnn-dropout", "3x32x32", 10 },
        { "keypoints-net", "1x96x96", 30 },
        { "vgg16", "3x32x32", 1000 },
        { "vgg16", "3x45x61", 1000 },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Output_shape_and_every_layer_shape_match_a_real_forward_pass(string name, string input, long outputs)
    {
        using var scope = NewDisposeScope();
        var shape = InputShape.Parse(input);
        using var model = (LayerStack)ModelRegistry.Find(name).Create(new ModelRequest(shape), seed: 0);
        model.eval();
        var x = randn(shape.WithBatch(2));
        foreach (var layer in model.Layers)
        {
            x = layer.Module.call(x);
            Assert.Equal([2, .. layer.OutputShape], x.shape);
        }
        Assert.Equal(new[] { 2, outputs }, x.shape);
    }

    [Fact]
    public void Forward_calls_every_child_through_call_so_hooks_fire()
    {
        using var scope = NewDisposeScope();
        using var model = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        var fired = new List<string>();
        foreach (var layer in model.Layers)
            layer.Module.register_forward_hook((_, _, output) => { fired.Add(layer.Name); return output; });
        model.call(zeros(1, 1, 28, 28));
        Assert.Equal(model.Layers.Select(l => l.Name), fired);
    }

    [Fact]
    public void Layer_names_are_the_seed_and_vgg_names()
    {
        using var mnist = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], mnist.WeightedLayers.Select(l => l.Name));
        Assert.Equal(431_080, mnist.ParameterCount);
        using var vgg = Vgg16.Build(new ModelRequest(new InputShape(3, 32, 32)));
        Assert.Equal(
            ["conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "conv3_3", "conv4_1", "conv4_2", "conv4_3", "conv5_1", "conv5_2", "conv5_3", "fc6", "fc7", "fc8"],
            vgg.WeightedLayers.Select(l => l.Name));
        // torchvision's VGG-16 has 138,357,544 parameters.
        Assert.Equal(138_357_544, vgg.ParameterCount);
        Assert.Contains("conv1.weight", mnist.state_dict().Keys);
    }

    [Fact]
    public void Too_small_inputs_and_unknown_names_are_refused_clearly()
    {
        Assert.Contains("too small for mnist-net", Assert.Throws<StethoscopeException>(() => MnistNet.Build(new ModelRequest(new InputShape(1, 10, 10)))).Message);
        Assert.Contains("at least 32x32", Assert.Throws<StethoscopeException>(() => Vgg16.Build(new ModelRequest(new InputShape(3, 31, 64)))).Message);
        Assert.Contains("mnist-net, vgg16", Assert.Throws<StethoscopeException>(() => ModelRegistry.Find("resnet")).Message);
        using var mnist = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        Assert.Contains("valid layers: conv1, relu1", Assert.Throws<StethoscopeException>(() => mnist.FindLayer("conv9")).Message);
    }

    [Fact]
    public void Erf_stack_has_the_requested_depth_and_equal_weights_when_uniform()
    {
        using var stack = ErfStack.Build(new ModelRequest(new InputShape(1, 16, 16), ErfStack: new ErfStackSettings(Depth: 4, Kernel: 3, Activation: StackActivation.ReLU)));
        Assert.Equal(["conv1", "conv2", "conv3", "conv4"], stack.WeightedLayers.Select(l => l.Name));
        Assert.Equal(8, stack.Layers.Count);
        Assert.All(stack.WeightedLayers, l => Assert.Equal(1f / 9f, l.Weight!.max().item<float>(), 6));
        Assert.All(stack.WeightedLayers, l => Assert.Equal(1f / 9f, l.Weight!.min().item<float>(), 6));
        Assert.Throws<InvalidOptionException>(() => ErfStack.Build(new ModelRequest(new InputShape(1, 16, 16), ErfStack: new ErfStackSettings(Kernel: 4))));
    }

    [Fact]
    public void Input_shapes_parse_and_reject_nonsense()
    {
        Assert.Equal(new InputShape(3, 224, 224), InputShape.Parse("3x224x224"));
        Assert.Throws<StethoscopeException>(() => InputShape.Parse("3x224"));
        Assert.Throws<StethoscopeException>(() => InputShape.Parse("0x5x5"));
    }
}
