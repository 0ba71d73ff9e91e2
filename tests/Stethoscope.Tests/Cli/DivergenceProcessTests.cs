using Stethoscope.Runs;
using Stethoscope.Tests.Build;
using Stethoscope.Training;

namespace Stethoscope.Tests.Cli;

/// <summary>
/// Divergence end to end, through the real program in its own process: a run that overflows leaves freed native
/// memory full of infinities and NaNs, and libtorch 2.10's CPU kernels on this project's VMs have been seen to read
/// such memory uninitialised, so these runs stay out of the test host's process.
/// </summary>
public class DivergenceProcessTests
{
    internal static (int Code, string Output) RunCli(params string[] args) =>
        ChildProcess.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "Stethoscope.Cli.dll"), .. args]);

    [Fact]
    public void An_exploding_run_ends_diverged_with_exit_code_0_and_the_nan_step_in_metrics()
    {
        // The seed's exploding run (lr 1.0, batch 256) reaches NaN on some CPUs and ends with every ReLU dead on
        // others (seen on this project's machines), and takes minutes. A learning rate of 1e30 overflows on any CPU
        // within a few small steps; which step is not asserted, only that the run stops at the first one.
        using var temp = new TempDirectory();
        var (code, output) = RunCli("train", "--lr", "1e30", "--batch-size", "16", "--max-steps", "20", "--device", "cpu", "--quiet", "--out", temp["run"]);
        Assert.True(code == 0, output);
        var folder = new RunFolder(temp["run"]);
        var manifest = RunManifest.Read(folder.RunJson);
        Assert.Equal(RunStatus.Diverged, manifest.Status);
        Assert.NotNull(manifest.FirstNonFiniteStep);
        var last = File.ReadAllLines(folder.MetricsCsv)[^1].Split(',');
        Assert.Equal(manifest.FirstNonFiniteStep.ToString(), last[0]);
        Assert.Contains("NaN", last);
        Assert.True(File.Exists(folder.FinalCheckpoint));
    }

    [Fact]
    public void Continue_on_divergence_runs_every_step_and_still_reports_diverged()
    {
        using var temp = new TempDirectory();
        var (code, output) = RunCli("train", "--lr", "1e30", "--batch-size", "16", "--max-steps", "6", "--on-divergence", "continue", "--device", "cpu", "--quiet", "--out", temp["run"]);
        Assert.True(code == 0, output);
        var folder = new RunFolder(temp["run"]);
        var manifest = RunManifest.Read(folder.RunJson);
        Assert.Equal(RunStatus.Diverged, manifest.Status);
        var lines = File.ReadAllLines(folder.MetricsCsv);
        Assert.Equal(1 + 6, lines.Length); // the header and every step, the ones after the first NaN included
        Assert.Contains("NaN", lines[(int)manifest.FirstNonFiniteStep!.Value].Split(','));
    }
}
