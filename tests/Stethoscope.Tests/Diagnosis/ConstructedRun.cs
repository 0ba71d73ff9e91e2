using System.Globalization;
using Stethoscope.Runs;

namespace Stethoscope.Tests.Diagnosis;

/// <summary>
/// A run folder written by hand in the run folder's formats, for the replay and the command: metrics.csv rows of four
/// layers, and optionally eval.csv and activations.csv (the activation statistics probe's file) rows.
/// </summary>
sealed class ConstructedRun : IDisposable
{
    readonly TempDirectory temp = new();

    public ConstructedRun() => Run = new RunFolder(temp["run"]);

    public RunFolder Run { get; }

    public string Root => Run.Root;

    /// <summary>metrics.csv: <paramref name="steps"/> steps of loss <paramref name="loss"/>(step) and gradient norm <paramref name="norm"/>(step, layer).</summary>
    public ConstructedRun Metrics(int steps, Func<long, float> loss, Func<long, string, string> norm)
    {
        string[] layers = ["conv1", "conv2", "fc1", "fc2"];
        var lines = new List<string> { "step,epoch,loss,accuracy,lr," + string.Join(",", layers.Select(l => "grad_norm/" + l)) };
        for (long s = 1; s <= steps; s++)
            lines.Add(string.Join(",", [F(s), "1", F(loss(s)), "0.5", "0.05", .. layers.Select(l => norm(s, l))]));
        Directory.CreateDirectory(Root);
        File.WriteAllLines(Run.MetricsCsv, lines);
        return this;
    }

    public ConstructedRun Evaluations(params (long Step, double Loss)[] evaluations)
    {
        File.WriteAllLines(Run.EvalCsv, ["step,epoch,test_loss,test_accuracy", .. evaluations.Select(e => $"{F(e.Step)},1,{F(e.Loss)},0.9")]);
        return this;
    }

    /// <summary>activations.csv: every <paramref name="every"/> steps a ReLU row per layer with its dead fraction, and a Conv2d row without one.</summary>
    public ConstructedRun Activations(int steps, int every, Func<long, string, float> dead)
    {
        var lines = new List<string> { "step,epoch,layer,kind,mean,std,zero_fraction,dead_fraction,saturated_fraction" };
        for (long s = 1; s <= steps; s++)
        {
            if (s != 1 && s % every != 0)
                continue;
            lines.Add($"{F(s)},1,conv1,Conv2d,0.1,1,0,,");
            foreach (var relu in new[] { "relu1", "relu3" })
                lines.Add($"{F(s)},1,{relu},ReLU,0.3,0.5,0.6,{F(dead(s, relu))},");
        }
        File.WriteAllLines(Path.Combine(Root, "activations.csv"), lines);
        return this;
    }

    static string F(double value) => value.ToString(CultureInfo.InvariantCulture);

    public void Dispose() => temp.Dispose();
}
