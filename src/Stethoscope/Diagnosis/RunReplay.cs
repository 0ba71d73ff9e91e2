using System.Globalization;
using Stethoscope.Data;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// Plays a recorded run folder, finished or still running, into an observer as the watcher played it live: one
/// <see cref="StepRecord"/> per row of metrics.csv, with the readings of the same step from weights/distributions.csv
/// (<c>dist/&lt;tensor&gt;/&lt;layer&gt;/&lt;statistic&gt;</c>) and activations.csv (<c>act/&lt;layer&gt;/&lt;statistic&gt;</c>) under
/// their live names, and each evaluation of eval.csv after the step it was made at. An empty cell is a reading that was
/// not measured (left out), "NaN" one that was NaN. Only whole lines are read.
/// </summary>
public static class RunReplay
{
    /// <summary>The run folder's activation statistics (written by the activation statistics probe).</summary>
    public const string ActivationsFile = "activations.csv";

    static readonly string[] ActivationColumns = ["step", "epoch", "layer", "kind", "mean", "std", "zero_fraction", "dead_fraction", "saturated_fraction"];

    public static void Play(RunFolder run, ITrainingObserver observer)
    {
        var metrics = MetricsCsv.Open(run.MetricsCsv);
        var extra = Merge(Distributions(run), ActivationStatistics(run).Select(a => (a.Step, $"{DiagnosisStep.ActivationPrefix}{a.Layer}/{a.Statistic}", a.Value)));
        var evaluations = new Queue<EvaluationRecord>(Evaluations(run));
        var rateColumn = metrics.IndexOf("lr");
        var columns = metrics.Columns.Select((name, i) => (name, i)).Where(c => c.i != rateColumn).ToArray();
        IReadOnlyList<string>? sharedNames = null;
        var line = 1;
        foreach (var text in MetricsCsv.CompleteLines(run.MetricsCsv).Skip(1))
        {
            line++;
            var cells = text.Split(',');
            if (cells.Length != metrics.Columns.Count + 2)
                throw new DataFormatException(run.MetricsCsv, $"line {line} has {cells.Length} cells, the header {metrics.Columns.Count + 2}");
            var step = Integer(run.MetricsCsv, line, cells[0]);
            var epoch = (int)Integer(run.MetricsCsv, line, cells[1]);
            List<string> names = [];
            List<float> values = [];
            foreach (var (name, i) in columns)
            {
                if (cells[i + 2].Length == 0)
                    continue;
                names.Add(name);
                values.Add(Number(run.MetricsCsv, line, cells[i + 2]));
            }
            if (extra.TryGetValue(step, out var readings))
            {
                names.AddRange(readings.Select(r => r.Name));
                values.AddRange(readings.Select(r => r.Value));
            }
            // The watcher hands out one list of names while it does not change; so does the replay.
            var shared = sharedNames is not null && sharedNames.SequenceEqual(names) ? sharedNames : sharedNames = names;
            var rate = rateColumn >= 0 && cells[rateColumn + 2].Length > 0 ? Precise(run.MetricsCsv, line, cells[rateColumn + 2]) : double.NaN;
            observer.OnStep(new StepRecord(step, epoch, rate, shared, [.. values]));
            while (evaluations.Count > 0 && evaluations.Peek().Step <= step)
                observer.OnEvaluation(evaluations.Dequeue());
        }
        while (evaluations.Count > 0)
            observer.OnEvaluation(evaluations.Dequeue());
    }

    /// <summary>eval.csv in double precision, as the evaluations were recorded (metrics are floats, test losses doubles).</summary>
    static IEnumerable<EvaluationRecord> Evaluations(RunFolder run)
    {
        if (!File.Exists(run.EvalCsv))
            yield break;
        var line = 0;
        foreach (var text in MetricsCsv.CompleteLines(run.EvalCsv))
        {
            line++;
            var cells = text.Split(',');
            if (line == 1)
            {
                if (text != RunRecorder.EvaluationHeader)
                    throw new DataFormatException(run.EvalCsv, $"not an evaluation file: the header must be {RunRecorder.EvaluationHeader}");
                continue;
            }
            if (cells.Length != 4)
                throw new DataFormatException(run.EvalCsv, $"line {line} has {cells.Length} cells, the header 4");
            double? accuracy = cells[3].Length == 0 ? null : Precise(run.EvalCsv, line, cells[3]);
            yield return new EvaluationRecord(Integer(run.EvalCsv, line, cells[0]), (int)Integer(run.EvalCsv, line, cells[1]), Precise(run.EvalCsv, line, cells[2]), accuracy);
        }
    }

    /// <summary>Every update ratio and statistic of weights/distributions.csv under the name the probe gave it, by step.</summary>
    static IEnumerable<(long Step, string Name, float Value)> Distributions(RunFolder run)
    {
        if (!File.Exists(run.Distributions))
            yield break;
        foreach (var (step, d) in DistributionsCsv.Read(run.Distributions))
        {
            string Name(string quantity) => DistributionProbe.Name(d.Kind, d.Layer, quantity);
            yield return (step, Name("mean"), d.Mean);
            yield return (step, Name("std"), d.Std);
            yield return (step, Name("min"), d.Min);
            yield return (step, Name("max"), d.Max);
            yield return (step, Name("zero_fraction"), d.ZeroFraction);
            if (d.UpdateRatio is { } ratio)
                yield return (step, Name("update_ratio"), ratio);
        }
    }

    /// <summary>Every statistic of activations.csv, in file order; an empty cell is a statistic that does not apply to
    /// the module and is left out. No file: none.</summary>
    public static IEnumerable<(long Step, string Layer, string Statistic, float Value)> ActivationStatistics(RunFolder run)
    {
        var path = Path.Combine(run.Root, ActivationsFile);
        if (!File.Exists(path))
            yield break;
        var line = 0;
        foreach (var text in MetricsCsv.CompleteLines(path))
        {
            line++;
            var cells = text.Split(',');
            if (line == 1)
            {
                if (!cells.SequenceEqual(ActivationColumns))
                    throw new DataFormatException(path, $"not an activation statistics file: the header must be {string.Join(",", ActivationColumns)}");
                continue;
            }
            if (cells.Length != ActivationColumns.Length)
                throw new DataFormatException(path, $"line {line} has {cells.Length} cells, the header {ActivationColumns.Length}");
            var step = Integer(path, line, cells[0]);
            for (var i = 4; i < cells.Length; i++)
            {
                if (cells[i].Length > 0)
                    yield return (step, cells[2], ActivationColumns[i], Number(path, line, cells[i]));
            }
        }
    }

    static Dictionary<long, List<(string Name, float Value)>> Merge(params IEnumerable<(long Step, string Name, float Value)>[] sources)
    {
        var byStep = new Dictionary<long, List<(string, float)>>();
        foreach (var (step, name, value) in sources.SelectMany(s => s))
        {
            if (!byStep.TryGetValue(step, out var list))
                byStep[step] = list = [];
            list.Add((name, value));
        }
        return byStep;
    }

    static long Integer(string path, int line, string cell) =>
        long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : throw new DataFormatException(path, $"line {line}: '{cell}' is not a step number");

    static float Number(string path, int line, string cell) =>
        float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new DataFormatException(path, $"line {line}: '{cell}' is not a number");

    /// <summary>A number written from a double (the learning rate, evaluations), read back exactly.</summary>
    static double Precise(string path, int line, string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new DataFormatException(path, $"line {line}: '{cell}' is not a number");
}
