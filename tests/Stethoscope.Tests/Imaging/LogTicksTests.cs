using Stethoscope.Imaging;

namespace Stethoscope.Tests.Imaging;

public class LogTicksTests
{
    static (double[] Labelled, string[] Labels, double[] Minor) Ticks(double low, double high)
    {
        var ticks = LogTicks.Between(Math.Log10(low), Math.Log10(high));
        return ([.. ticks.Where(t => t.Label is not null).Select(t => t.Value)], [.. ticks.Where(t => t.Label is not null).Select(t => t.Label!)],
            [.. ticks.Where(t => t.Label is null).Select(t => t.Value)]);
    }

    [Fact]
    public void A_loss_within_one_decade_gets_1_2_5_labels()
    {
        var (values, labels, minor) = Ticks(0.15, 2.5);
        Assert.Equal([0.2, 0.5, 1, 2], values);
        Assert.Equal(["0.2", "0.5", "1", "2"], labels);
        Assert.Equal([0.3, 0.4, 0.6, 0.7, 0.8, 0.9], minor);
    }

    [Fact]
    public void Less_than_a_decade_labels_every_mantissa_when_1_2_5_leave_fewer_than_three()
    {
        var (values, labels, minor) = Ticks(0.25, 0.65);
        Assert.Equal([0.3, 0.4, 0.5, 0.6], values);
        Assert.Equal(["0.3", "0.4", "0.5", "0.6"], labels);
        Assert.Empty(minor);
    }

    [Fact]
    public void A_span_of_a_few_percent_falls_back_to_evenly_spaced_values()
    {
        var (values, labels, minor) = Ticks(0.51, 0.56);
        Assert.Equal([0.52, 0.54, 0.56], values);
        Assert.Equal(["0.52", "0.54", "0.56"], labels);
        Assert.Empty(minor);
        Assert.Equal([0.25, 0.3, 0.35, 0.4, 0.45], Ticks(0.25, 0.45).Labelled);
        Assert.Equal(["1.2e-5", "1.4e-5", "1.6e-5"], Ticks(1.1e-5, 1.7e-5).Labels);
    }

    [Fact]
    public void Many_decades_label_the_powers_of_ten_with_minor_ticks_between()
    {
        var (values, labels, minor) = Ticks(1e-4, 10);
        Assert.Equal([1e-4, 1e-3, 0.01, 0.1, 1, 10], values);
        Assert.Equal(["1e-4", "0.001", "0.01", "0.1", "1", "10"], labels);
        Assert.Equal(5 * 8, minor.Length);
        Assert.Equal([2e-4, 3e-4], minor.Take(2));
    }

    [Fact]
    public void Very_many_decades_label_every_second_decade()
    {
        var (values, labels, _) = Ticks(1e-12, 1e2);
        Assert.Equal([1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 0.01, 1, 100], values);
        Assert.Equal("1e-12", labels[0]);
    }

    [Fact]
    public void Reversed_or_empty_ranges()
    {
        Assert.Equal(Ticks(0.15, 2.5).Labelled, Ticks(2.5, 0.15).Labelled);
        Assert.Empty(LogTicks.Between(double.NaN, 1));
    }
}
