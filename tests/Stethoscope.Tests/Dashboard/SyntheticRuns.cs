using System.Globalization;
using Stethoscope.Runs;
using Stethoscope.Training;

namespace Stethoscope.Tests.Dashboard;

/// <summary>
/// Run folders written file by file, for runs too long or too many to train in a test: each gets a copy of one real
/// run.json (trained once per test process) with its own name, status and learning rate, and a metrics.csv written here.
/// </summary>
static class SyntheticRuns
{
    public const string Header = "step,epoch,loss,accuracy,lr,grad_norm/conv1,grad_norm/conv2,grad_norm/fc1,grad_norm/fc2";

    static readonly Lazy<RunManifest> Template = new(() =>
    {
        using var temp = new TempDirectory();
        var (code, _, error) = Cli.CliInvocation.Invoke("train", "--data", "synthetic:32", "--max-steps", "1", "--device", "cpu", "--quiet", "--distributions-every", "0", "--out", temp["template"]);
        Assert.True(code == 0, error);
        return RunManifest.Read(new RunFolder(temp["template"]).RunJson);
    });

    /// <summary>A run folder <paramref name="name"/> under <paramref name="runs"/> whose metrics.csv has a row per step
    /// from 1 to <paramref name="steps"/> (from <paramref name="row"/>, or a smooth decline), started <paramref name="minutesAgo"/>.</summary>
    public static RunFolder Write(string runs, string name, long steps, Func<long, string>? row = null, RunStatus status = RunStatus.Completed, double learningRate = 0.05, int minutesAgo = 0)
    {
        var run = new RunFolder(Path.Combine(runs, name));
        Directory.CreateDirectory(run.Root);
        var template = Template.Value;
        (template with
        {
            Name = name,
            Status = status,
            Steps = status == RunStatus.Running ? 0 : steps,
            Started = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo),
            Config = template.Config with { LearningRate = learningRate },
        }).Write(run.RunJson);
        using var writer = new StreamWriter(run.MetricsCsv);
        writer.WriteLine(Header);
        for (var step = 1L; step <= steps; step++)
            writer.WriteLine((row ?? Declining)(step));
        return run;
    }

    public static string Declining(long step) =>
        FormattableString.Invariant($"{step},1,{2.0 / Math.Sqrt(step):G6},{Math.Min(0.99, 0.1 + step / 1000.0):G4},0.05,{0.1 + (step % 13) * 0.001:G4},0.2,0.3,0.4");

    /// <summary>A row of a long run: a quiet loss with one spike to 1000 at <paramref name="spike"/> and NaN at <paramref name="nan"/>.</summary>
    public static Func<long, string> WithSpike(long spike, long nan) => step => step == spike
        ? FormattableString.Invariant($"{step},1,1000,0.5,0.05,0.1,0.2,0.3,0.4")
        : step == nan ? FormattableString.Invariant($"{step},1,NaN,0.5,0.05,NaN,0.2,0.3,0.4") : Declining(step);

    public static string Cell(double value) => value.ToString(CultureInfo.InvariantCulture);
}
