using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Imaging;
using Stethoscope.Runs;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope compare RUN RUN… [--out DIR]</c>: runs overlaid, labelled by what differs between them.</summary>
public static class CompareCommand
{
    public static Command Create(Terminal terminal)
    {
        var runs = new Argument<string[]>("RUN") { Description = "two or more run folders", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "folder for the figures (default: runs/compare-<time>)" };
        var command = new Command("compare", "Overlay the training figures of several runs, labelled by what differs between them.") { runs, output };
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () => Run(r.GetValue(runs)!, r.GetValue(output), terminal)));
        return command;
    }

    public static int Run(string[] runs, string? output, Terminal terminal)
    {
        foreach (var run in runs.Where(r => !Directory.Exists(r)))
            throw new StethoscopeException($"{run}: no such run folder");
        var folders = runs.Select(r => new RunFolder(Path.GetFullPath(r))).ToArray();
        var manifests = folders.Select(f => RunManifest.Read(f.RunJson)).ToArray();
        var folder = Path.GetFullPath(output ?? Path.Combine("runs", $"compare-{DateTime.Now:yyyyMMdd-HHmmss}"));
        var written = ComparisonFigures.Render(folders, folder);
        var labels = RunLabels.Of(manifests);
        var table = new Table().AddColumns("run", "label", "status", "steps", "train accuracy (last epoch)", "test accuracy", "gap", "first NaN/inf");
        for (var i = 0; i < manifests.Length; i++)
        {
            var m = manifests[i];
            var test = m.Final?.TestAccuracy is { } a && double.IsFinite(a) ? a : (double?)null;
            var train = LastEpochAccuracy(folders[i]);
            table.AddRow(Markup.Escape(m.Name), Markup.Escape(labels[i]), m.Status.ToString().ToLowerInvariant(), m.Steps.ToString(CultureInfo.InvariantCulture),
                Percent(train), Percent(test), train - test is { } gap ? $"{100 * gap:0.00} points" : "-",
                m.FirstNonFiniteStep is { } step ? $"step {step}" : "-");
        }
        terminal.Out.Write(table);
        foreach (var path in written)
            terminal.Out.MarkupLineInterpolated($"{path}");
        return 0;
    }

    static string Percent(double? value) => value is { } v ? v.ToString("P2", CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// The mean batch accuracy over the last epoch in metrics.csv, as Keras reports a training accuracy (in training
    /// mode: with dropout active); beside the test accuracy, the train/test gap that overfitting opens.
    /// </summary>
    static double? LastEpochAccuracy(RunFolder run)
    {
        if (!File.Exists(run.MetricsCsv))
            return null;
        var metrics = MetricsCsv.Open(run.MetricsCsv);
        var column = metrics.IndexOf("accuracy");
        var rows = metrics.Rows().ToList();
        if (column < 0 || rows.Count == 0)
            return null;
        var values = rows.Where(r => r.Epoch == rows[^1].Epoch).Select(r => (double)r.Values[column]).Where(double.IsFinite).ToList();
        return values.Count > 0 ? values.Average() : null;
    }
}
