using Stethoscope.Analysis;
using Stethoscope.Models;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Analysis;

public class HypercolumnsTests
{
    static readonly Device Cpu = Devices.Resolve(DeviceChoice.Cpu);

    [Fact]
    public void Vgg16_conv1_2_and_conv2_2_give_192_features_per_pixel_of_a_224_image()
    {
        using var scope = NewDisposeScope();
        using var vgg = (LayerStack)Vgg16.Recipe.Create(new ModelRequest(new InputShape(3, 224, 224)), seed: 0);
        var columns = Hypercolumns.Extract(vgg, rand(3, 224, 224), ["conv1_2", "conv2_2"], Cpu);
        Assert.Equal(new long[] { 192, 224, 224 }, columns.shape);
        // conv1_2 means its ReLU's output, as in Keras: nothing negative.
        Assert.True(columns.min().item<float>() >= 0);
        Assert.Equal("relu1_2", vgg.ActivatedOutputOf("conv1_2").Name);
    }

    [Fact]
    public void Upsampling_is_bilinear_with_align_corners_false()
    {
        using var scope = NewDisposeScope();
        using var model = new LayerStackBuilder("pool", new InputShape(1, 4, 4)).MaxPool("p", 2, 2).Build(Objective.None);
        // Each 2x2 block's maximum: [[0, 1], [2, 3]].
        var image = tensor(new float[] { 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3 }).view(1, 4, 4);
        var columns = Hypercolumns.Extract(model, image, ["p"], Cpu);
        // PyTorch's align_corners=False: source x = (x + 0.5) / 2 − 0.5, clamped at the edges.
        Assert.Equal(new float[] { 0, 0.25f, 0.75f, 1, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2, 2.25f, 2.75f, 3 }, columns.reshape(-1).data<float>().ToArray());
        var direct = nn.functional.interpolate(model.call(image.unsqueeze(0)), [4, 4], mode: InterpolationMode.Bilinear, align_corners: false);
        Assert.True(direct.reshape(-1).allclose(columns.reshape(-1)));
    }

    [Fact]
    public void Fully_connected_layers_are_spread_over_every_pixel()
    {
        using var scope = NewDisposeScope();
        using var model = MnistNet.Recipe.Create(new ModelRequest(new InputShape(1, 28, 28)), seed: 0);
        var image = randn(1, 28, 28);
        var columns = Hypercolumns.Extract(model, image, ["conv1", "fc2"], Cpu);
        Assert.Equal(new long[] { 30, 28, 28 }, columns.shape);
        model.eval();
        using var noGrad = no_grad();
        var fc2 = LayerOutputs.Of(model, image.unsqueeze(0), "fc2")[0];
        Assert.True(columns[TensorIndex.Slice(20, 30), 0, 0].allclose(fc2));
        Assert.True(columns[TensorIndex.Slice(20, 30), 27, 13].allclose(fc2));
    }

    [Fact]
    public void An_image_too_small_for_the_layers_is_refused_clearly()
    {
        using var scope = NewDisposeScope();
        using var model = MnistNet.Recipe.Create(new ModelRequest(new InputShape(1, 28, 28)), seed: 0);
        var error = Assert.Throws<StethoscopeException>(() => Hypercolumns.Extract(model, rand(1, 8, 8), ["conv2"], Cpu));
        Assert.StartsWith("a 8x8 px image is too small for mnist-net up to relu2", error.Message);
        Assert.Contains("valid layers", Assert.Throws<StethoscopeException>(() => Hypercolumns.Extract(model, rand(1, 28, 28), ["conv9"], Cpu)).Message);
    }

    [Fact]
    public void Kmeans_recovers_well_separated_blobs_and_repeats_itself_under_a_seed()
    {
        using var scope = NewDisposeScope();
        torch.random.manual_seed(5);
        var centres = tensor(new float[] { 0, 0, 0, 10, 10, 10, -10, 10, -10 }).view(3, 3);
        var points = cat([.. Enumerable.Range(0, 3).Select(c => randn(100, 3) * 0.5f + centres[c])], 0);
        var first = KMeans.Fit(points, new KMeansSettings(3, Seed: 11));
        var again = KMeans.Fit(points, new KMeansSettings(3, Seed: 11));
        Assert.Equal(first.Labels, again.Labels);
        for (var blob = 0; blob < 3; blob++)
            Assert.Single(first.Labels.Skip(100 * blob).Take(100).Distinct());
        Assert.Equal(3, first.Labels.Distinct().Count());
        Assert.InRange(first.Inertia, 300 * 3 * 0.25 * 0.7, 300 * 3 * 0.25 * 1.3); // 900 coordinates of variance 0.25
        Assert.Contains("k must be between 1 and the number of points (300)", Assert.Throws<InvalidOptionException>(() => KMeans.Fit(points, new KMeansSettings(301))).Message);
    }
}
