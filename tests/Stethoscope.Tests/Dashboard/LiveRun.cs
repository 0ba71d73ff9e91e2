using Stethoscope.Runs;

namespace Stethoscope.Tests.Dashboard;

/// <summary>A run folder written by hand, step by step, as a training would: for following a run that is still being written.</summary>
sealed class LiveRun
{
    readonly RunFolder run;

    public LiveRun(string runs, string name)
    {
        var template = Path.Combine(runs, "template");
        var (code, _, error) = Cli.CliInvocation.Invoke("train", "--data", "synthetic:32", "--max-steps", "1", "--device", "cpu", "--quiet", "--distributions-every", "0", "--out", template);
        Assert.True(code == 0, error);
        run = new RunFolder(Path.Combine(runs, name));
        Directory.CreateDirectory(run.Root);
        var manifest = RunManifest.Read(new RunFolder(template).RunJson) with { Name = name, Status = Stethoscope.Training.RunStatus.Running };
        manifest.Write(run.RunJson);
        Directory.Delete(template, recursive: true);
        File.WriteAllText(run.MetricsCsv, "step,epoch,loss,accuracy,lr,grad_norm/conv1,grad_norm/conv2,grad_norm/fc1,grad_norm/fc2\n");
    }

    public RunFolder Folder => run;

    int alreadyWritten;

    static string Row(long step) => FormattableString.Invariant($"{step},1,{2.0 / step},0.5,0.05,0.1,0.2,0.3,{(step == 3 ? "NaN" : "0.4")}\n");

    /// <summary>Appends the rest of step <paramref name="step"/>'s row; with <paramref name="halfWrittenAfter"/> also the
    /// first characters of the next row, as a writer caught mid-line leaves it.</summary>
    public void Step(long step, bool halfWrittenAfter = false)
    {
        using var writer = File.AppendText(run.MetricsCsv);
        writer.Write(Row(step)[alreadyWritten..]);
        alreadyWritten = 0;
        if (!halfWrittenAfter)
            return;
        alreadyWritten = 6;
        writer.Write(Row(step + 1)[..alreadyWritten]);
    }

    public void Finish()
    {
        (RunManifest.Read(run.RunJson) with { Status = Stethoscope.Training.RunStatus.Completed }).Write(run.RunJson);
    }
}
