using SkiaSharp;
using Stethoscope.Imaging;
using Stethoscope.Runs;

namespace Stethoscope.Tests.Imaging;

public class ActivationChartTests
{
    /// <summary>60 ReLU layers over 30 samples: from step 100 on, every third layer is dead (all its units 0).</summary>
    static IReadOnlyList<ActivationRow> DyingNetwork() =>
        [.. Enumerable.Range(0, 30).SelectMany(s => Enumerable.Range(0, 60).Select(l =>
        {
            var step = s == 0 ? 1 : s * 10;
            var dead = step >= 100 && l % 3 == 0;
            return new ActivationRow(step, 1, $"layer{l / 2}.{l % 2}.relu", "ReLU", dead ? 0 : 0.4f, dead ? 0 : 0.6f, dead ? 1 : 0.5f, dead ? 1 : 0.02f, null);
        }))];

    [Fact]
    public void Sixty_layers_get_rows_of_readable_height_and_a_panel_per_statistic_that_applies()
    {
        using var temp = new TempDirectory();
        ActivationChart.SavePng(DyingNetwork(), temp["a.png"]);
        using var png = SKBitmap.Decode(temp["a.png"]);
        // Dead units, zeros and the standard deviation (no saturation: no bounded activation), 60 rows each.
        Assert.Equal((1100, 3 * (110 + 60 * ActivationChart.MinRowHeight)), (png.Width, png.Height));
    }

    [Fact]
    public void Dead_layers_are_dark_bands_after_they_die_and_light_before()
    {
        using var temp = new TempDirectory();
        ActivationChart.SavePng(DyingNetwork(), temp["a.png"]);
        using var png = SKBitmap.Decode(temp["a.png"]);
        // In the dead-units panel (the first), count dark pixels in the left and right halves of the plotted area.
        static float Luminance(SKColor c) => 0.2126f * c.Red + 0.7152f * c.Green + 0.0722f * c.Blue;
        var panel = 110 + 60 * ActivationChart.MinRowHeight;
        int Dark(int from, int to) => Enumerable.Range(from, to - from).Sum(x => Enumerable.Range(40, panel - 80).Count(y => Luminance(png.GetPixel(x, y)) < 80));
        var early = Dark(200, 280); // steps before 100
        var late = Dark(700, 900);  // steps after 100: a third of the rows dark
        Assert.True(late > 20 * Math.Max(1, early) && late > 200 * 60 / 3 * 4, $"dark pixels early {early}, late {late}");
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        using var temp = new TempDirectory();
        Assert.Throws<StethoscopeException>(() => ActivationChart.SavePng([], temp["a.png"]));
        Assert.False(File.Exists(temp["a.png"]));
    }
}
