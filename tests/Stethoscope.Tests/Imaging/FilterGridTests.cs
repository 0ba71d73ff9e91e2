using SkiaSharp;
using Stethoscope.Imaging;
using Stethoscope.Runs;
using static Stethoscope.Tests.Cli.CliInvocation;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Imaging;

public class FilterGridTests
{
    // 5x5 kernels are enlarged 12 times (60 px) with a 4 px gap: a tile's cell is 64 px.
    const int Cell = 64, Pixel = 12;

    static SKColor At(SKBitmap bitmap, int tile, int columns, int row, int column) =>
        bitmap.GetPixel(tile % columns * Cell + column * Pixel + Pixel / 2, tile / columns * Cell + row * Pixel + Pixel / 2);

    [Theory]
    [InlineData(20, 5, 4)]
    [InlineData(32, 6, 6)]
    [InlineData(50, 8, 7)]
    public void Filters_lie_in_a_near_square_grid_with_gaps(int filters, int columns, int rows)
    {
        using var scope = NewDisposeScope();
        using var bitmap = FilterGrid.Render(randn(filters, 1, 5, 5), FilterScaling.PerFilter);
        Assert.Equal((columns * Cell - FilterGrid.Gap, rows * Cell - FilterGrid.Gap), (bitmap.Width, bitmap.Height));
        // The gap after the first tile is white; the tile's own pixels are grey levels.
        Assert.Equal(SKColors.White, bitmap.GetPixel(60 + 1, 30));
    }

    [Fact]
    public void Per_filter_scaling_maps_each_filters_minimum_to_0_and_maximum_to_255()
    {
        using var scope = NewDisposeScope();
        var rising = arange(25, float32).view(1, 1, 5, 5);
        var falling = (arange(25, float32) * -3 + 7).view(1, 1, 5, 5);
        using var bitmap = FilterGrid.Render(cat([rising, falling], 0), FilterScaling.PerFilter);
        Assert.Equal(new SKColor(0, 0, 0), At(bitmap, 0, 2, 0, 0));
        Assert.Equal(new SKColor(255, 255, 255), At(bitmap, 0, 2, 4, 4));
        Assert.Equal(new SKColor(128, 128, 128), At(bitmap, 0, 2, 2, 2)); // 12/24 of the way: 127.5 rounds to 128
        Assert.Equal(new SKColor(255, 255, 255), At(bitmap, 1, 2, 0, 0));
        Assert.Equal(new SKColor(0, 0, 0), At(bitmap, 1, 2, 4, 4));
    }

    [Fact]
    public void Three_input_channels_make_one_rgb_tile_per_filter_and_global_scaling_is_signed()
    {
        using var scope = NewDisposeScope();
        var red = cat([ones(1, 1, 5, 5), zeros(1, 2, 5, 5)], 1);
        using var rgb = FilterGrid.Render(red, FilterScaling.PerFilter);
        Assert.Equal(new SKColor(255, 0, 0), At(rgb, 0, 1, 2, 2));
        using var signed = FilterGrid.Render(tensor(new float[] { -2, 0, 2, 1 }).view(1, 1, 2, 2), FilterScaling.Global);
        SKColor negative = signed.GetPixel(10, 10), zero = signed.GetPixel(40, 10), positive = signed.GetPixel(10, 40);
        Assert.True(negative.Blue > negative.Red && positive.Red > positive.Blue, $"{negative} {positive}");
        Assert.True(zero.Red > 200 && zero.Green > 200 && zero.Blue > 200, $"zero is near white: {zero}");
    }

    [Fact]
    public void Filters_command_draws_weights_and_batch_gradients_and_names_valid_layers()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, Invoke("train", "--data", "synthetic:64", "--max-steps", "2", "--batch-size", "16", "--device", "cpu", "--quiet", "--out", temp["run"]).Code);
        var figures = new RunFolder(temp["run"]).Figures;
        Assert.Equal(0, Invoke("filters", temp["run"]).Code);
        using (var conv1 = SKBitmap.Decode(Path.Combine(figures, "filters-conv1.png")))
            Assert.Equal(4 * Cell - FilterGrid.Gap, conv1.Height - 26); // the title line is wider than the grid // 20 filters: 5 columns, 4 rows, a title line
        var (code, output, error) = Invoke("filters", temp["run"], "--layer", "conv2", "--gradients", "--scale", "global");
        Assert.Equal((0, ""), (code, error));
        Assert.EndsWith("filters-conv2-gradients-global.png", output.Trim());
        Assert.Contains("convolution layers: conv1, conv2", AssertOneLineError(1, Invoke("filters", temp["run"], "--layer", "fc1")));
        Assert.Contains("valid layers: conv1, relu1", AssertOneLineError(1, Invoke("filters", temp["run"], "--layer", "conv9")));
        Assert.Contains("no such run folder or checkpoint file", AssertOneLineError(1, Invoke("filters", temp["nothing"])));
    }
}
