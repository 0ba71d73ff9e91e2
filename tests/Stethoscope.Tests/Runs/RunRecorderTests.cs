using System.Globalization;
using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.TensorBoard;
using Stethoscope.Training;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Runs;

public class RunRecorderTests
{
    static (RunFolder Folder, TrainingResult Result) Record(TempDirectory temp, TrainingOptions options, CancellationToken cancel = default)
    {
        using var data = SyntheticBars.Create(trainCount: 96, testCount: 32, seed: 3);
        using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, data.Train.Classes), options.Seed);
        var folder = RunFolder.Create(temp["run"]);
        using var recorder = new RunRecorder(folder, "synthetic:96");
        var result = new Trainer(model, data, options, Trainer.StandardProbes, [recorder]).Run(cancel);
        return (folder, result);
    }

    [Fact]
    public void A_completed_run_writes_every_file_of_the_contract()
    {
        using var temp = new TempDirectory();
        var (folder, result) = Record(temp, new TrainingOptions { Epochs = 2, BatchSize = 32, Device = DeviceChoice.Cpu });

        var manifest = RunManifest.Read(folder.RunJson);
        Assert.Equal(RunStatus.Completed, manifest.Status);
        Assert.Equal(6, manifest.Steps);
        Assert.Equal("mnist-net", manifest.Config.Model);
        Assert.Equal("synthetic:96", manifest.Config.Data);
        Assert.Equal(["conv1", "relu1"], manifest.Model.Layers.Take(2).Select(l => l.Name));
        Assert.Equal(result.LastEvaluation!.Accuracy, manifest.Final!.TestAccuracy);
        Assert.Equal(TorchSharp.torch.__version__, manifest.Versions.LibTorch);
        Assert.Equal(CpuKernels.Description, manifest.CpuKernels);
        Assert.Equal("kept (mmap threshold 1 GiB, no trim)", manifest.CpuHeap);

        var metrics = File.ReadAllLines(folder.MetricsCsv);
        Assert.Equal("step,epoch,loss,accuracy,lr,grad_norm/conv1,grad_norm/conv2,grad_norm/fc1,grad_norm/fc2", metrics[0]);
        Assert.Equal(7, metrics.Length);
        Assert.All(metrics.Skip(1), line => Assert.Equal(9, line.Split(',').Length));
        Assert.Equal("1,1", string.Join(",", metrics[1].Split(',')[..2]));

        var evals = File.ReadAllLines(folder.EvalCsv);
        Assert.Equal(["step,epoch,test_loss,test_accuracy", "3,1", "6,2"], [evals[0], .. evals.Skip(1).Select(l => string.Join(",", l.Split(',')[..2]))]);

        Assert.True(File.Exists(folder.InitialCheckpoint));
        Assert.True(File.Exists(folder.FinalCheckpoint));
        Assert.Empty(Directory.GetFiles(folder.Root, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_final_checkpoint_loads_into_a_fresh_model_with_identical_outputs()
    {
        using var temp = new TempDirectory();
        var (folder, _) = Record(temp, new TrainingOptions { Epochs = 1, BatchSize = 32, Device = DeviceChoice.Cpu, Seed = 4 });
        using var scope = NewDisposeScope();
        using var trained = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        trained.load(folder.FinalCheckpoint);
        using var initial = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        initial.load(folder.InitialCheckpoint);
        using var again = MnistNet.Build(new ModelRequest(new InputShape(1, 28, 28)));
        again.load(folder.FinalCheckpoint);
        var x = randn(3, 1, 28, 28);
        Assert.True(trained.call(x).eq(again.call(x)).all().item<bool>());
        Assert.False(trained.call(x).eq(initial.call(x)).all().item<bool>());
    }

    [Fact]
    public void TensorBoard_events_hold_the_scalars_of_every_step_with_valid_checksums()
    {
        using var temp = new TempDirectory();
        var (folder, _) = Record(temp, new TrainingOptions { Epochs = 1, BatchSize = 32, Device = DeviceChoice.Cpu });
        var file = Directory.GetFiles(folder.TensorBoard, "events.out.tfevents.*").Single();
        var events = EventFileReader.Read(file);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var tags = events.Skip(1).SelectMany(e => e.Summary.Value.Select(v => (e.Step, v.Tag, v.SimpleValue))).ToList();
        Assert.Equal([1L, 2L, 3L], tags.Where(t => t.Tag == "train/loss").Select(t => t.Step));
        Assert.Contains(tags, t => t.Tag == "grad_norm/fc2" && t.Step == 3);
        Assert.Contains(tags, t => t.Tag == "test/accuracy" && t.Step == 3);
        var csvLoss = float.Parse(File.ReadAllLines(folder.MetricsCsv)[2].Split(',')[2], CultureInfo.InvariantCulture);
        Assert.Equal(csvLoss, tags.Single(t => t.Tag == "train/loss" && t.Step == 2).SimpleValue);
    }

    [Fact]
    public void An_interrupted_run_leaves_whole_files_and_says_interrupted()
    {
        using var temp = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var (folder, result) = Record(temp, new TrainingOptions { Epochs = 1, BatchSize = 32, Device = DeviceChoice.Cpu }, cancel.Token);
        Assert.Equal(RunStatus.Interrupted, result.Status);
        Assert.Equal(RunStatus.Interrupted, RunManifest.Read(folder.RunJson).Status);
        Assert.Single(File.ReadAllLines(folder.EvalCsv));
        EventFileReader.Read(Directory.GetFiles(folder.TensorBoard).Single());
    }

    [Fact]
    public void A_folder_that_holds_a_run_is_not_overwritten_and_a_corrupt_manifest_is_named()
    {
        using var temp = new TempDirectory();
        var (folder, _) = Record(temp, new TrainingOptions { MaxSteps = 1, Epochs = null, BatchSize = 32, Device = DeviceChoice.Cpu });
        Assert.Contains("already holds a run", Assert.Throws<StethoscopeException>(() => RunFolder.Create(folder.Root)).Message);
        File.WriteAllText(folder.RunJson, "{ not json");
        Assert.Contains("not a valid run.json", Assert.Throws<StethoscopeException>(() => RunManifest.Read(folder.RunJson)).Message);
    }

    [Fact]
    public void Masked_crc_matches_the_tfrecord_reference_value()
    {
        // CRC-32C of "123456789" is 0xE3069283 (RFC 3720); TFRecord masks it as ((c >> 15) | (c << 17)) + 0xa282ead8.
        const uint crc = 0xE3069283;
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, EventFileWriter.MaskedCrc("123456789"u8));
    }
}
