using Spectre.Console.Testing;
using Stethoscope.Cli;
using Stethoscope.Cli.Output;
using Stethoscope.Runs;

namespace Stethoscope.Tests.Cli;

public class CommandTests
{
    static (int Code, string Out, string Error) Invoke(params string[] args)
    {
        var output = new TestConsole().Width(400);
        var error = new TestConsole().Width(400);
        var code = StethoscopeCommand.Invoke(args, new Terminal(output, error));
        return (code, output.Output, error.Output);
    }

    [Fact]
    public void Models_lists_every_registered_model()
    {
        var (code, output, _) = Invoke("models");
        Assert.Equal(0, code);
        foreach (var name in new[] { "mnist-net", "vgg16", "workshop-cnn", "workshop-cnn-dropout", "keypoints-net", "erf-stack" })
            Assert.Contains(name, output);
    }

    [Fact]
    public void Summary_prints_layers_shapes_and_the_parameter_total()
    {
        var (code, output, _) = Invoke("summary", "--model", "vgg16", "--input", "3x224x224");
        Assert.Equal(0, code);
        Assert.Contains("138,357,544 parameters", output);
        Assert.Matches(@"conv5_3\s*│\s*Conv2d\s*│\s*512x14x14\s*│\s*2,359,808", output);
    }

    [Theory]
    [InlineData(2, "train", "--optimizer", "rmsprop")]
    [InlineData(2, "train", "--batch-size", "many")]
    [InlineData(2, "train", "--no-such-option")]
    [InlineData(1, "train", "--batch-size", "0")]
    [InlineData(1, "train", "--model", "resnet")]
    [InlineData(1, "train", "--data", "mnist:/no/such/folder")]
    [InlineData(1, "summary", "--input", "28x28")]
    public void Bad_input_gives_one_error_line_and_a_non_zero_exit(int expected, params string[] args)
    {
        using var temp = new TempDirectory();
        var (code, output, error) = Invoke(args[0] == "train" ? [.. args, "--runs", temp.Path] : args);
        Assert.Equal(expected, code);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("   at ", error + output);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Train_quiet_records_a_run_and_prints_its_folder()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = Invoke("train", "--data", "synthetic:64", "--max-steps", "4", "--batch-size", "16", "--device", "cpu", "--quiet", "--out", temp["run"]);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal(temp["run"], output.Trim());
        Assert.Equal(Stethoscope.Training.RunStatus.Completed, RunManifest.Read(new RunFolder(temp["run"]).RunJson).Status);
    }

    [Fact]
    public void Train_refuses_an_existing_run_folder()
    {
        using var temp = new TempDirectory();
        string[] args = ["train", "--data", "synthetic:32", "--max-steps", "1", "--device", "cpu", "--quiet", "--out", temp["run"]];
        Assert.Equal(0, Invoke(args).Code);
        var (code, _, error) = Invoke(args);
        Assert.Equal(1, code);
        Assert.Contains("already holds a run", error);
    }
}
