using System.Text.RegularExpressions;
using Spectre.Console.Testing;
using Stethoscope.Cli.Commands;
using Stethoscope.Cli.Output;
using Stethoscope.Training;

namespace Stethoscope.Tests.Cli;

public class TrainingProgressTests
{
    static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void Without_a_terminal_each_interval_prints_a_plain_line_with_the_smoothed_loss()
    {
        var console = new TestConsole().Width(400);
        var progress = new TrainingProgress(console, bar: null, lineEvery: TimeSpan.Zero);
        progress.OnStep(new StepRecord(1, 1, 0.05, ["loss"], [1f]));
        progress.OnStep(new StepRecord(2, 1, 0.05, ["loss"], [2f]));
        progress.OnStep(new StepRecord(3, 1, 0.05, ["loss"], [float.NaN]));
        // Debiased moving average: 1, then (0.09 + 0.2) / 0.19; a NaN loss leaves it as it was.
        Assert.Equal(["epoch 1 step 1/? loss 1.0000 0 steps/s", "epoch 1 step 2/? loss 1.5263 0 steps/s", "epoch 1 step 3/? loss 1.5263 0 steps/s"], Lines(console.Output));
    }

    [Fact]
    public void Without_a_terminal_nothing_is_printed_before_the_interval_has_passed()
    {
        var console = new TestConsole().Width(400);
        var progress = new TrainingProgress(console, bar: null, lineEvery: TimeSpan.FromDays(1));
        progress.OnStep(new StepRecord(1, 1, 0.05, ["loss"], [1f]));
        Assert.Equal("", console.Output);
    }

    [Theory]
    [InlineData(0.25, "0.25")]
    [InlineData(0.8995, "0.899")]
    [InlineData(0.0123, "0.0123")]
    [InlineData(3, "3.00")]
    [InlineData(12.34, "12.3")]
    [InlineData(250.4, "250")]
    [InlineData(0, "0")]
    public void Steps_per_second_keep_three_digits_and_never_round_to_zero(double perSecond, string shown) =>
        Assert.Equal(shown, TrainingProgress.Rate(perSecond));

    [Fact]
    public void Train_with_output_redirected_prints_progress_lines_before_any_evaluation()
    {
        using var temp = new TempDirectory();
        var output = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var options = new TrainingOptions { Epochs = null, MaxSteps = 4, BatchSize = 16, Device = DeviceChoice.Cpu };
        var settings = new TrainCommand.Settings("mnist-net", "synthetic:64", options, temp["run"], temp.Path, Quiet: false, DistributionsEvery: 0, ProgressEvery: TimeSpan.Zero);
        Assert.Equal(0, TrainCommand.Run(settings, new Terminal(output, error)));
        var steps = Lines(output.Output).Select(l => Regex.Match(l, @"^epoch 1 step (\d)/4 loss \d+\.\d{4} acc [\d.]+ ?% [\d.]+ steps/s$")).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.Equal(["1", "2", "3", "4"], steps);
    }
}
