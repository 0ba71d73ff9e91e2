using Stethoscope.Diagnosis;
using Stethoscope.Runs;
using Stethoscope.Tests.Cli;

namespace Stethoscope.Tests.Diagnosis;

public class TrainDiagnosisTests
{
    [Fact]
    public void Train_prints_a_verdict_when_it_fires_and_lists_it_in_the_summary()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = CliInvocation.Invoke("train", "--data", "synthetic:64", "--lr", "1e30", "--batch-size", "16", "--max-steps", "4",
            "--on-divergence", "continue", "--device", "cpu", "--out", temp["run"]);
        Assert.True(code == 0, error);
        var verdict = Assert.Single(DiagnosisFile.Read(Path.Combine(temp["run"], DiagnosisFile.FileName)));
        Assert.Contains($"Training diverged (diverged): in conv1, conv2, fc1, fc2 from step {verdict.FirstStep}: at step {verdict.FirstStep}", output);
        // The summary reads diagnosis.json, where the verdict names the module the replay found the first NaN/inf in.
        Assert.Matches($@"diagnosis\s*│\s*Training diverged \({System.Text.RegularExpressions.Regex.Escape(string.Join(", ", verdict.Layers))}\) from step {verdict.FirstStep}", output);
    }

    [Fact]
    public void Train_subset_keeps_the_first_n_training_images()
    {
        using var temp = new TempDirectory();
        var (code, _, error) = CliInvocation.Invoke("train", "--data", "synthetic:64", "--train-subset", "16", "--max-steps", "2", "--device", "cpu", "--quiet", "--out", temp["run"]);
        Assert.True(code == 0, error);
        var manifest = RunManifest.Read(new RunFolder(temp["run"]).RunJson);
        Assert.Equal(16, manifest.Data.TrainCount);
        Assert.EndsWith("(first 16)", manifest.Data.Name);
        Assert.Equal([], manifest.Verdicts!);
    }

    [Theory]
    [InlineData("0", "at least 1 image")]
    [InlineData("65", "between 1 and the 64 training images")]
    public void A_train_subset_out_of_range_is_an_option_error_and_leaves_nothing(string count, string message)
    {
        using var temp = new TempDirectory();
        var error = CliInvocation.AssertOneLineError(2, CliInvocation.Invoke("train", "--data", "synthetic:64", "--train-subset", count, "--out", temp["run"]));
        Assert.Contains(message, error);
        Assert.False(Directory.Exists(temp["run"]));
    }
}
