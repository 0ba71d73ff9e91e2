using Stethoscope.Analysis;
using Stethoscope.Models;
using Stethoscope.Training;

namespace Stethoscope.Tests.Analysis;

public class EffectiveReceptiveFieldTests
{
    static readonly TorchSharp.torch.Device Cpu = Devices.Resolve(DeviceChoice.Cpu);

    static LayerStack Stack(int depth, StackActivation activation, StackInit init, int size = 64, long seed = 0) =>
        (LayerStack)ErfStack.Recipe.Create(new ModelRequest(new InputShape(1, size, size), ErfStack: new ErfStackSettings(depth, Activation: activation, Init: init)), seed);

    static EffectiveReceptiveField Measure(LayerStack model, int samples = 4, int batch = 4, ErfUnit? unit = null, string? layer = null) =>
        EffectiveReceptiveField.Measure(model, ErfInputs.Random(model.InputShape, seed: 1), new ErfSettings(layer, unit, samples, batch), Cpu);

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public void Uniform_linear_stack_has_the_variance_of_an_n_fold_box_convolution(int depth)
    {
        // A 3-tap box has variance 2/3 px²; n of them convolved have 2n/3 along each axis.
        using var model = Stack(depth, StackActivation.Linear, StackInit.Uniform);
        var erf = Measure(model, samples: 2, batch: 2);
        var expected = 2.0 * depth / 3;
        Assert.InRange(erf.SigmaX * erf.SigmaX, expected * 0.98, expected * 1.02);
        Assert.InRange(erf.SigmaY * erf.SigmaY, expected * 0.98, expected * 1.02);
        Assert.Equal(2 * depth + 1, erf.TheoreticalSize);
    }

    [Theory]
    [InlineData(StackActivation.Linear)]
    [InlineData(StackActivation.ReLU)]
    public void The_erf_is_zero_outside_the_theoretical_receptive_field(StackActivation activation)
    {
        using var model = Stack(5, activation, StackInit.Random, size: 32);
        var erf = Measure(model);
        var (first, last) = erf.Theoretical.WindowOf(erf.UnitRow);
        Assert.Equal((11, 21), (first, last));
        for (var row = 0; row < erf.Height; row++)
        {
            for (var column = 0; column < erf.Width; column++)
            {
                var inside = row >= first && row <= last && column >= first && column <= last;
                if (!inside)
                    Assert.Equal(0.0, erf[row, column]);
            }
        }
        Assert.True(erf[16, 16] > 0);
    }

    [Fact]
    public void A_relu_stack_has_a_sparser_erf_than_the_same_linear_stack()
    {
        static int ZerosInside(EffectiveReceptiveField erf)
        {
            var (first, last) = erf.Theoretical.WindowOf(erf.UnitRow);
            var zeros = 0;
            for (var row = first; row <= last; row++)
                for (var column = first; column <= last; column++)
                    zeros += erf[row, column] == 0 ? 1 : 0;
            return zeros;
        }
        using var linear = Stack(10, StackActivation.Linear, StackInit.Random, size: 32, seed: 3);
        using var relu = Stack(10, StackActivation.ReLU, StackInit.Random, size: 32, seed: 3);
        var linearZeros = ZerosInside(Measure(linear, samples: 1, batch: 1));
        var reluZeros = ZerosInside(Measure(relu, samples: 1, batch: 1));
        Assert.Equal(0, linearZeros);
        Assert.True(reluZeros > 20, $"{reluZeros} zero pixels inside the ReLU stack's 21x21 field");
    }

    [Fact]
    public void Batching_does_not_change_the_result()
    {
        using var model = Stack(3, StackActivation.Tanh, StackInit.Random, size: 16);
        var whole = Measure(model, samples: 7, batch: 7);
        var pieces = Measure(model, samples: 7, batch: 3);
        for (var i = 0; i < whole.Map.Length; i++)
            Assert.Equal(whole.Map[i], pieces.Map[i], 1e-6);
    }

    [Fact]
    public void Moments_and_radii_of_hand_made_maps()
    {
        var theoretical = new ReceptiveFieldRow("x", ReceptiveFieldKind.Window, 5, 1, 0);
        var point = new double[25];
        point[12] = 3;
        var single = EffectiveReceptiveField.FromMap("x", 2, 2, 1, point, 5, 5, theoretical);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (single.SigmaX, single.SigmaY, single.R68, single.R95));
        Assert.Equal((1, 0.2), (single.Area95, single.Ratio));
        // Two equal points 4 columns apart: centroid between them, σx = 2, σy = 0, both points at distance 2.
        var pair = new double[25];
        pair[10] = pair[14] = 1;
        var two = EffectiveReceptiveField.FromMap("x", 2, 2, 1, pair, 5, 5, theoretical);
        Assert.Equal((2.0, 0.0, 2.0, 2.0), (two.SigmaX, two.SigmaY, two.R68, two.R95));
        Assert.Equal(2, two.Area95);
        Assert.Equal(Math.Sqrt(2) / 5, two.Ratio!.Value, 12);
        var silent = EffectiveReceptiveField.FromMap("x", 2, 2, 1, new double[25], 5, 5, theoretical);
        Assert.True(double.IsNaN(silent.SigmaX) && double.IsNaN(silent.R95));
        Assert.Null(silent.Ratio);
    }

    [Fact]
    public void Bad_layers_units_and_sample_counts_are_refused_clearly()
    {
        using var model = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        Assert.Contains("layers with maps: conv1, relu1, pool1, conv2, relu2, pool2",
            Assert.Throws<StethoscopeException>(() => Measure(model, layer: "fc1")).Message);
        Assert.Equal("unit 9,0 is outside layer pool2's 4x4 map (rows 0..3, columns 0..3)",
            Assert.Throws<InvalidOptionException>(() => Measure(model, unit: new ErfUnit(9, 0))).Message);
        Assert.Contains("samples and batch size must be at least 1",
            Assert.Throws<InvalidOptionException>(() => Measure(model, samples: 0)).Message);
        Assert.Equal("unit 'middle' is not 'center' or ROW,COL (for example 3,4)",
            Assert.Throws<InvalidOptionException>(() => ErfUnit.Parse("middle")).Message);
    }
}
