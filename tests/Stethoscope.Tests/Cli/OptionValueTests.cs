using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Cli;

/// <summary>
/// The README's contract for option values: a value out of range or of the wrong form is one <c>error:</c> line,
/// exit code 2 (as a parse error), and nothing created, whichever check finds it.
/// </summary>
public class OptionValueTests
{
    [Theory]
    [InlineData("learning rate must be a positive number; got 0", "train", "--lr", "0")]
    [InlineData("learning rate must be a positive number; got -1", "train", "--lr", "-1")]
    [InlineData("--lr and --weight-decay must be at most 3.4E+38; got 1E+300 and 0", "train", "--lr", "1e300")]
    [InlineData("--lr and --weight-decay must be at most 3.4E+38; got 0.01 and 1E+300", "train", "--weight-decay", "1e300")]
    [InlineData("weight decay must be 0 or more; got -1", "train", "--weight-decay", "-1")]
    [InlineData("momentum must be in [0, 1); got 1", "train", "--momentum", "1")]
    [InlineData("nesterov needs a momentum above 0", "train", "--nesterov", "--momentum", "0")]
    [InlineData("batch size must be at least 1; got 0", "train", "--batch-size", "0")]
    [InlineData("epochs must be at least 1; got 0", "train", "--epochs", "0")]
    [InlineData("max steps must be at least 1; got 0", "train", "--max-steps", "0")]
    [InlineData("eval-every must be at least 1; got 0", "train", "--eval-every", "0")]
    [InlineData("data 'synthetic:-1': the synthetic count must be a positive integer", "train", "--data", "synthetic:-1")]
    [InlineData("data 'synthetic:': the synthetic count must be a positive integer", "train", "--data", "synthetic:")]
    [InlineData("data 'synthetic:x': the synthetic count must be a positive integer", "train", "--data", "synthetic:x")]
    [InlineData("--sound-window must be 0 (none) or a number of steps; got -1", "train", "--sonify", "--sound-window", "-1")]
    [InlineData("--distributions-every must be 0 (never) or a number of steps; got -1", "train", "--distributions-every", "-1")]
    [InlineData("--port must be 0 (any free port) to 65535; got 70000", "train", "--dashboard", "--port", "70000")]
    [InlineData("--host 'nowhere' is not an IP address", "train", "--dashboard", "--host", "nowhere")]
    [InlineData("--port must be 0 (any free port) to 65535; got 70000", "dashboard", "--port", "70000")]
    [InlineData("--port must be 0 (any free port) to 65535; got -1", "dashboard", "--port", "-1")]
    [InlineData("--max-connections must be at least 1; got 0", "dashboard", "--max-connections", "0")]
    [InlineData("--classes must be at least 1; got 0", "summary", "--classes", "0")]
    [InlineData("--classes must be at least 1; got 0", "rf", "--classes", "0")]
    [InlineData("--classes must be at least 1; got 0", "erf", "--classes", "0")]
    [InlineData("samples and batch size must be at least 1; got 0 and 32", "erf", "--samples", "0")]
    [InlineData("samples and batch size must be at least 1; got 32 and 0", "erf", "--batch-size", "0")]
    [InlineData("unit 'top' is not 'center' or ROW,COL", "erf", "--unit", "top")]
    [InlineData("unit 40,0 is outside layer pool2's 4x4 map", "erf", "--unit", "40,0")]
    [InlineData("--depths '5,x' is not a comma-separated list of positive integers", "erf-study", "--depths", "5,x")]
    [InlineData("the study needs at least two depths", "erf-study", "--depths", "5")]
    [InlineData("--input-size must be at least 8 and --draws at least 1; got 4 and", "erf-study", "--input-size", "4")]
    [InlineData("give exactly one input: --image F or --sample N", "hypercolumns", "--model", "mnist-net")]
    [InlineData("--sample needs a RUN (its test images)", "hypercolumns", "--model", "mnist-net", "--sample", "0")]
    public void A_bad_option_value_exits_2_with_one_line_and_creates_nothing(string expected, params string[] args)
    {
        using var temp = new TempDirectory();
        var error = AssertOneLineError(2, Invoke(WithinTemp(args, temp)));
        Assert.Contains(expected, error);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>
    /// Points every place a command could write into <paramref name="temp"/>, and keeps a training run small in case
    /// a value were wrongly accepted.
    /// </summary>
    static string[] WithinTemp(string[] args, TempDirectory temp)
    {
        var extra = new List<string>();
        switch (args[0])
        {
            case "train":
                extra.AddRange(["--device", "cpu", "--runs", temp.Path]);
                if (!args.Contains("--data"))
                    extra.AddRange(["--data", "synthetic:16"]);
                if (!args.Contains("--max-steps") && !args.Contains("--epochs"))
                    extra.AddRange(["--max-steps", "1"]);
                break;
            case "dashboard":
                extra.AddRange(["--runs", temp.Path]);
                break;
            case "erf" or "erf-study" or "hypercolumns":
                extra.AddRange(["--device", "cpu", "--out", temp["out"]]);
                break;
        }
        return [.. args, .. extra];
    }
}
