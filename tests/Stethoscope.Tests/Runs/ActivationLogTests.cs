using Stethoscope.Data;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Runs;

public class ActivationLogTests
{
    static readonly Dictionary<string, string> Kinds = new() { ["relu1"] = "ReLU", ["layer1.0.relu"] = "ReLU", ["tanh"] = "Tanh" };

    static StepRecord Step(long step, params (string Name, float Value)[] readings) =>
        new(step, 2, 0.1, ["loss", "grad_norm/conv1", .. readings.Select(r => r.Name)], [1.5f, 0.5f, .. readings.Select(r => r.Value)]);

    [Fact]
    public void Rows_round_trip_in_forward_order_with_empty_cells_where_a_statistic_does_not_apply()
    {
        using var temp = new TempDirectory();
        var path = temp["activations.csv"];
        using (var log = new ActivationLog(path, Kinds))
        {
            log.Write(Step(1)); // a step that was not sampled writes nothing, not even the header
            Assert.False(File.Exists(path));
            log.Write(Step(10,
                ("act/layer1.0.relu/mean", 0.25f), ("act/layer1.0.relu/std", 0.5f), ("act/layer1.0.relu/zero_fraction", 0.75f), ("act/layer1.0.relu/dead_fraction", 0.125f),
                ("act/tanh/mean", float.NaN), ("act/tanh/std", float.PositiveInfinity), ("act/tanh/saturated_fraction", 1f)));
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(
            ["step,epoch,layer,kind,mean,std,zero_fraction,dead_fraction,saturated_fraction",
             "10,2,layer1.0.relu,ReLU,0.25,0.5,0.75,0.125,",
             "10,2,tanh,Tanh,NaN,Infinity,,,1"],
            lines);
        var rows = ActivationsCsv.Read(path);
        Assert.Equal(new ActivationRow(10, 2, "layer1.0.relu", "ReLU", 0.25f, 0.5f, 0.75f, 0.125f, null), rows[0]);
        Assert.Equal(("tanh", float.PositiveInfinity, (float?)null, (float?)1f), (rows[1].Layer, rows[1].Std, rows[1].ZeroFraction, rows[1].SaturatedFraction));
        Assert.True(float.IsNaN(rows[1].Mean));
    }

    [Fact]
    public void A_file_of_another_shape_is_one_clear_error()
    {
        using var temp = new TempDirectory();
        var header = string.Join(",", ActivationLog.Columns);
        (string Content, string Message)[] cases =
        [
            ("step,epoch,loss\n1,1,2\n", "not an activations file"),
            ($"{header}\n1,1,relu,ReLU,0.5\n", "line 2 has 5 cells, the header 9"),
            ($"{header}\n1,1,relu,ReLU,zero,0.5,,,\n", "line 2: 'zero' is not a number"),
            ($"{header}\nx,1,relu,ReLU,0,0.5,,,\n", "line 2: step and epoch must be integers"),
            ($"{header}\n1,1,,ReLU,0,0.5,,,\n", "line 2: the layer is empty"),
        ];
        foreach (var (content, message) in cases)
        {
            File.WriteAllText(temp["bad.csv"], content);
            Assert.Contains(message, Assert.Throws<DataFormatException>(() => ActivationsCsv.Read(temp["bad.csv"])).Message);
        }
        Assert.Contains("no such file", Assert.Throws<DataFormatException>(() => ActivationsCsv.Read(temp["none.csv"])).Message);
        // A half-written last line (no newline yet) is skipped, as for every file a live run writes.
        File.WriteAllText(temp["live.csv"], $"{header}\n1,1,relu,ReLU,0,0.5,0.5,0,\n10,1,re");
        Assert.Single(ActivationsCsv.Read(temp["live.csv"]));
    }

    [Fact]
    public void A_watched_loop_writes_activations_csv_and_tensorboard_scalars_but_no_metrics_columns()
    {
        using var temp = new TempDirectory();
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 3)), ("relu", nn.ReLU()), ("flatten", nn.Flatten()), ("fc", nn.Linear(2 * 6 * 6, 3)), ("tanh", nn.Tanh()));
        using (var watch = RunWatch.Start(model, temp["run"], new RunWatchOptions(ActivationsEvery: 2, DistributionsEvery: 0, FilterImages: false)))
        using (var optimizer = optim.SGD(model.parameters(), 0.1))
        {
            for (var step = 1; step <= 4; step++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var output = model.call(randn(5, 1, 8, 8));
                var loss = nn.functional.cross_entropy(output, randint(0, 3, [5]));
                loss.backward();
                watch.Step(loss, output, randint(0, 3, [5]), optimizer);
                optimizer.step();
            }
            watch.Finish();
        }
        var folder = new RunFolder(temp["run"]);
        var rows = ActivationsCsv.Read(folder.Activations);
        Assert.Equal([(1L, "relu", "ReLU"), (1L, "tanh", "Tanh"), (2L, "relu", "ReLU"), (2L, "tanh", "Tanh"), (4L, "relu", "ReLU"), (4L, "tanh", "Tanh")],
            rows.Select(r => (r.Step, r.Layer, r.Kind)));
        Assert.All(rows.Where(r => r.Layer == "relu"), r => Assert.True(r.ZeroFraction is >= 0 and <= 1 && r.DeadFraction is >= 0 and <= 1 && r.SaturatedFraction is null));
        Assert.DoesNotContain(MetricsCsv.Open(folder.MetricsCsv).Columns, c => c.StartsWith(ActivationStatisticsProbe.Prefix, StringComparison.Ordinal));
        var scalars = EventFileReader.Read(Directory.GetFiles(folder.TensorBoard, "events.out.tfevents.*").Single())
            .Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v.Tag))).ToArray();
        Assert.Contains((4L, "act/tanh/saturated_fraction"), scalars);
        Assert.DoesNotContain(scalars, s => s.Step == 3 && s.Tag.StartsWith("act/", StringComparison.Ordinal));
        Assert.Null(RunManifest.Read(folder.RunJson).NonFiniteOrigin);
    }

    [Fact]
    public void Run_json_keeps_the_non_finite_origin_as_the_contract_names_it()
    {
        using var temp = new TempDirectory();
        var origin = new NonFiniteOrigin(22, NonFinitePass.Backward, "layer1.0.relu", "layer1.0.conv1.weight", null, "one sentence");
        var manifest = new RunManifest("r", RunStatus.Diverged, DateTimeOffset.UnixEpoch, null, 0, "cpu",
            new RunConfig("m", "d", "sgd", 0.1, 0, false, 0, 32, 1, null, null, "stop", "cpu"),
            new Stethoscope.Models.ModelSummary("m", "1x28x28", 0, []), new DataSummary("d", 1, 1, "1x28x28", 10, Normalization.Identity(1)), VersionInfo.Current,
            NonFiniteOrigin: origin);
        manifest.Write(temp["run.json"]);
        Assert.Contains("""
              "non_finite_origin": {
                "step": 22,
                "pass": "backward",
                "module": "layer1.0.relu",
                "parameter": "layer1.0.conv1.weight",
                "inputs_finite": null,
                "detail": "one sentence"
              }
            """.Replace("\r", ""), File.ReadAllText(temp["run.json"]));
        Assert.Equal(origin, RunManifest.Read(temp["run.json"]).NonFiniteOrigin);
    }
}
