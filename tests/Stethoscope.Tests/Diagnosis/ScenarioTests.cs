using Stethoscope.Diagnosis;
using Stethoscope.Runs;
using Stethoscope.Tests.Cli;

namespace Stethoscope.Tests.Diagnosis;

/// <summary>
/// Short versions of the scenarios, trained for real on the bundled digits and diagnosed live: what the rules
/// must say given what the run recorded (the CPU decides whether lr 1.0 reaches NaN or kills the ReLUs).
/// </summary>
public class ScenarioTests
{
    static (RunFolder Run, IReadOnlyList<Verdict> Verdicts) Train(TempDirectory temp, params string[] options)
    {
        var (code, _, error) = CliInvocation.Invoke(["train", "--device", "cpu", "--quiet", "--out", temp["run"], .. options]);
        Assert.True(code == 0, error);
        var run = new RunFolder(temp["run"]);
        var verdicts = DiagnosisFile.Read(DiagnosisFile.PathIn(run));
        Assert.Equal(DiagnosisFile.Text(verdicts), DiagnosisFile.Text(RunDiagnosis.Of(run).Verdicts)); // live = replayed
        return (run, verdicts);
    }

    [Fact]
    public void The_default_settings_get_no_verdict()
    {
        // 220 steps: every rule has judged (the loss at step 200, update ratios at 50, 100, 150, 200).
        using var temp = new TempDirectory();
        Assert.Empty(Train(temp, "--max-steps", "220").Verdicts);
    }

    [Fact]
    public void A_learning_rate_100x_too_small_is_loss_not_decreasing_and_update_ratio_too_low()
    {
        using var temp = new TempDirectory();
        var (_, verdicts) = Train(temp, "--lr", "0.0001", "--max-steps", "220"); // the default lr 0.01 / 100
        Assert.Equal(["update-ratio-low", "loss-not-decreasing"], verdicts.Select(v => v.Rule));
        Assert.Contains("conv1", verdicts[0].Layers);
    }

    [Fact]
    public void Learning_rate_1_at_batch_256_explodes_and_diverges_or_kills_the_relus()
    {
        // Some units may die before the norms blow up (relu2 from step 4 on an AMD EPYC): dead units can come first.
        using var temp = new TempDirectory();
        var (run, verdicts) = Train(temp, "--lr", "1.0", "--batch-size", "256", "--max-steps", "40");
        Assert.Contains(verdicts, v => v.Rule == "exploding-gradients");
        var manifest = RunManifest.Read(run.RunJson);
        if (manifest.FirstNonFiniteStep is { } nan)
            Assert.Contains(verdicts, v => v.Rule == "diverged" && v.FirstStep == nan);
        else
            Assert.Contains(verdicts, v => v.Rule == "zero-gradients");
        Assert.All(verdicts, v => Assert.Contains(v.Rule, (string[])["exploding-gradients", "diverged", "zero-gradients", "dead-units"]));
        Assert.Equal(verdicts.Select(v => new VerdictEntry(v.Rule, v.FirstStep)), manifest.Verdicts!);
    }

    [Fact]
    public void Adam_at_lr_0_01_kills_the_relus_dead_units_and_zero_gradients()
    {
        using var temp = new TempDirectory();
        var (_, verdicts) = Train(temp, "--optimizer", "adam", "--lr", "0.01", "--batch-size", "10", "--max-steps", "60");
        Assert.Equal(["dead-units", "zero-gradients"], verdicts.Select(v => v.Rule).Order());
        Assert.Contains("relu2", verdicts.Single(v => v.Rule == "dead-units").Layers);
        Assert.Contains("conv1", verdicts.Single(v => v.Rule == "zero-gradients").Layers);
    }
}
