using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Training;

/// <summary>A user's residual block: its skip path is added in <c>forward</c>, where no hook sees it.</summary>
sealed class TestBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1 = nn.Conv2d(4, 8, 3, stride: 2, padding: 1, bias: false);
    readonly BatchNorm2d bn1 = nn.BatchNorm2d(8);
    readonly Conv2d conv2 = nn.Conv2d(8, 8, 3, padding: 1);
    readonly Sequential shortcut = nn.Sequential(nn.Conv2d(4, 8, 1, stride: 2), nn.BatchNorm2d(8));

    public TestBlock()
        : base("block") => RegisterComponents();

    public override Tensor forward(Tensor x) =>
        nn.functional.relu(conv2.call(nn.functional.relu(bn1.call(conv1.call(x)))) + shortcut.call(x));
}

/// <summary>
/// A user's network for 1x8x8 inputs whose children are registered in another order than they run (the head first),
/// so forward order can only come from running it. With <c>skipHooks</c> its stem is called with <c>forward()</c>,
/// the TorchSharp trap that silences hooks.
/// </summary>
sealed class TestNet : nn.Module<Tensor, Tensor>
{
    readonly Linear head = nn.Linear(8, 3);
    readonly Conv2d stem = nn.Conv2d(1, 4, 3, padding: 1);
    readonly TestBlock block = new();
    readonly Dropout2d dropout = nn.Dropout2d(0.1);
    readonly bool skipHooks;

    public TestNet(bool skipHooks = false)
        : base("test-net")
    {
        this.skipHooks = skipHooks;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = skipHooks ? stem.forward(x) : stem.call(x);
        x = dropout.call(block.call(nn.functional.relu(x)));
        return head.call(x.mean([2, 3]));
    }
}

public class TrainingWatcherTests
{
    static readonly string[] ForwardOrder = ["stem", "block.conv1", "block.conv2", "block.shortcut.0", "head"];

    static (Tensor Images, Tensor Labels) Batch(int seed)
    {
        using var generator = new Generator((ulong)seed);
        return (randn([6, 1, 8, 8], generator: generator), randint(0, 3, [6], generator: generator));
    }

    /// <summary>A user's loop: AdamW, a cosine schedule, gradient clipping; the watcher is called after backward().</summary>
    static TrainingResult UserLoop(TrainingWatcher watch, nn.Module<Tensor, Tensor> model, int steps)
    {
        using var optimizer = optim.AdamW(model.parameters(), lr: 0.01, weight_decay: 0.02);
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, steps);
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var (images, labels) = Batch(step);
            optimizer.zero_grad();
            var output = model.call(images);
            var loss = nn.functional.cross_entropy(output, labels);
            loss.backward();
            watch.Step(loss, output, labels, optimizer);
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            schedule.step();
        }
        watch.Evaluation(1.5, 0.25);
        return watch.Finish();
    }

    [Fact]
    public void A_user_loop_records_every_nested_convolution_and_linear_in_forward_order()
    {
        using var temp = new TempDirectory();
        random.manual_seed(1);
        using var model = new TestNet();
        using (var watch = RunWatch.Start(model, temp["run"], new RunWatchOptions(Data: "random", DistributionsEvery: 2)))
            Assert.Equal(RunStatus.Completed, UserLoop(watch, model, steps: 4).Status);

        var folder = new RunFolder(temp["run"]);
        var metrics = MetricsCsv.Open(folder.MetricsCsv);
        Assert.Equal(ForwardOrder.Select(p => GradientNormProbe.Prefix + p), metrics.ColumnsStartingWith(GradientNormProbe.Prefix));
        var rows = metrics.Rows().ToArray();
        Assert.Equal([1L, 2, 3, 4], rows.Select(r => r.Step));
        // The optimizer's current rate each step: cosine annealing over 4 steps from 0.01 gives 0.01·(1 + cos(πt/4))/2.
        var lr = metrics.IndexOf("lr");
        for (var t = 0; t < 4; t++)
            Assert.Equal(0.01 * (1 + Math.Cos(Math.PI * t / 4)) / 2, rows[t].Values[lr], 6);
        Assert.True(rows.All(r => ForwardOrder.All(p => r.Values[metrics.IndexOf(GradientNormProbe.Prefix + p)] > 0)));
        var manifest = RunManifest.Read(folder.RunJson);
        Assert.Equal((RunStatus.Completed, 4L, "adamw", 0.01, 0.02, "1x8x8", 3),
            (manifest.Status, manifest.Steps, manifest.Config.Optimizer, manifest.Config.LearningRate, manifest.Config.WeightDecay, manifest.Data.InputShape, manifest.Data.Classes));
        Assert.Contains(manifest.Model.Layers, l => l.Name == "block.shortcut.0" && l.Shape == "8x4x4");
        Assert.Equal(["step,epoch,test_loss,test_accuracy", "4,0,1.5,0.25"], File.ReadAllLines(folder.EvalCsv));
        Assert.True(File.Exists(folder.InitialCheckpoint) && File.Exists(folder.FinalCheckpoint));
        // Sampled at steps 1, 2 and 4: a weight and a gradient row per layer each time, under the header.
        Assert.Equal(1 + 3 * ForwardOrder.Length * 2, File.ReadAllLines(folder.Distributions).Length);
    }

    [Fact]
    public void The_trainer_and_a_user_loop_leave_the_same_run_folder_layout()
    {
        using var temp = new TempDirectory();
        using var data = SyntheticBars.Create(trainCount: 24, testCount: 8, classes: 3, seed: 1);
        random.manual_seed(1);
        using var trained = new TestNet();
        var parts = RunWatch.Parts(RunFolder.Create(temp["train"]), new RunWatchOptions(Data: "synthetic:24", DistributionsEvery: 2));
        var options = new TrainingOptions { MaxSteps = 4, Epochs = null, BatchSize = 6, Optimizer = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0.02, Device = DeviceChoice.Cpu };
        using var small = Resized(data);
        Assert.Equal(RunStatus.Completed, new Trainer(trained, small, options, parts.Probes, parts.Observers).Run().Status);
        foreach (var part in parts.Owned)
            part.Dispose();
        random.manual_seed(1);
        using var watched = new TestNet();
        using (var watch = RunWatch.Start(watched, temp["loop"], new RunWatchOptions(Data: "random", DistributionsEvery: 2)))
            UserLoop(watch, watched, steps: 4);
        Assert.Equal(Layout(temp["train"]), Layout(temp["loop"]));
        Assert.Equal(MetricsCsv.Open(Path.Combine(temp["train"], "metrics.csv")).Columns, MetricsCsv.Open(Path.Combine(temp["loop"], "metrics.csv")).Columns);
    }

    /// <summary>The synthetic bars are 1x28x28; the test network reads 1x8x8 (every third pixel of the first 24).</summary>
    static DatasetSplit Resized(DatasetSplit data) => new(Shrink(data.Train), Shrink(data.Test));

    static ImageDataset Shrink(ImageDataset data) =>
        new(data.Name, data.Images[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(0, 24, 3), TensorIndex.Slice(0, 24, 3)].contiguous(), data.Labels.clone(), data.Classes, data.Normalization);

    static string[] Layout(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Select(f => f.StartsWith("tensorboard", StringComparison.Ordinal) ? Path.GetDirectoryName(f)! : f)
            .Distinct().Order(StringComparer.Ordinal)];

    [Fact]
    public void A_layer_its_parent_runs_with_forward_is_named_and_kept_in_registration_order()
    {
        random.manual_seed(1);
        using var model = new TestNet(skipHooks: true);
        using var watch = new TrainingWatcher(model, [new GradientNormProbe()], []);
        var (images, labels) = Batch(0);
        var loss = nn.functional.cross_entropy(model.call(images), labels);
        loss.backward();
        var record = watch.Step(loss);
        Assert.Equal(["block.conv1", "block.conv2", "block.shortcut.0", "head", "stem"], watch.Layers!.Weighted.Select(l => l.Path));
        var warning = Assert.Single(watch.Warnings);
        Assert.StartsWith("layer stem never ran in a forward pass through call()", warning);
        Assert.Equal(6, record.Names.Count); // the loss and five norms: the silent layer is still measured
    }

    [Fact]
    public void An_observer_failing_at_the_start_ends_the_run_failed_in_run_json()
    {
        using var temp = new TempDirectory();
        random.manual_seed(1);
        using var model = new TestNet();
        var folder = RunFolder.Create(temp["run"]);
        using var recorder = new RunRecorder(folder, "random");
        using var watch = new TrainingWatcher(model, Trainer.StandardProbes, [recorder, new FailingObserver()]);
        var (images, labels) = Batch(0);
        var output = model.call(images);
        var loss = nn.functional.cross_entropy(output, labels);
        loss.backward();
        Assert.Equal("no speaker", Assert.Throws<IOException>(() => watch.Step(loss, output, labels)).Message);
        var manifest = RunManifest.Read(folder.RunJson);
        Assert.Equal((RunStatus.Failed, "no speaker"), (manifest.Status, manifest.Error));
    }

    [Fact]
    public void A_reading_that_first_appears_after_step_one_gets_its_column_and_earlier_rows_stay_whole()
    {
        using var temp = new TempDirectory();
        random.manual_seed(1);
        using var model = new TestNet();
        var folder = RunFolder.Create(temp["run"]);
        using var recorder = new RunRecorder(folder, "random");
        using (var watch = new TrainingWatcher(model, [new GradientNormProbe(), new LateProbe()], [recorder]))
        {
            for (var step = 0; step < 4; step++)
            {
                using var scope = NewDisposeScope();
                var (images, labels) = Batch(step);
                model.zero_grad();
                var loss = nn.functional.cross_entropy(model.call(images), labels);
                loss.backward();
                watch.Step(loss);
            }
            watch.Finish();
        }
        var lines = File.ReadAllLines(folder.MetricsCsv);
        Assert.EndsWith(",late", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Equal(lines[0].Split(',').Length, l.Split(',').Length));
        Assert.Equal(["", "", "3", "4"], lines[1..].Select(l => l.Split(',')[^1]));
    }

    [Fact]
    public void A_watch_disposed_before_finishing_records_an_interrupted_run()
    {
        using var temp = new TempDirectory();
        random.manual_seed(1);
        using var model = new TestNet();
        using (var watch = RunWatch.Start(model, temp["run"]))
        {
            var (images, labels) = Batch(0);
            var loss = nn.functional.cross_entropy(model.call(images), labels);
            loss.backward();
            watch.Step(loss);
        }
        Assert.Equal(RunStatus.Interrupted, RunManifest.Read(Path.Combine(temp["run"], "run.json")).Status);
    }

    [Fact]
    public void Tracing_at_the_first_step_leaves_a_frozen_layer_frozen()
    {
        random.manual_seed(1);
        using var model = new TestNet();
        var frozen = ModuleTree.Find(model, "block.bn1").Module;
        frozen.eval();
        using var watch = new TrainingWatcher(model, Trainer.StandardProbes, []);
        var (images, labels) = Batch(0);
        var loss = nn.functional.cross_entropy(model.call(images), labels);
        loss.backward();
        watch.Step(loss);
        Assert.Equal((true, false), (model.training, frozen.training));
    }

    [Fact]
    public void A_loss_that_is_not_one_value_is_one_clear_error_and_the_run_ends_failed()
    {
        using var temp = new TempDirectory();
        random.manual_seed(1);
        using var model = new TestNet();
        using var watch = RunWatch.Start(model, temp["run"]);
        var (images, labels) = Batch(0);
        var losses = nn.functional.cross_entropy(model.call(images), labels, reduction: nn.Reduction.None);
        losses.mean().backward();
        Assert.StartsWith("reading 'loss' must be one value; got a tensor of shape [6]", Assert.Throws<StethoscopeException>(() => watch.Step(losses)).Message);
        Assert.Equal(RunStatus.Failed, RunManifest.Read(Path.Combine(temp["run"], "run.json")).Status);
    }

    [Fact]
    public void An_unwritable_final_checkpoint_still_ends_run_json_with_a_status()
    {
        using var temp = new TempDirectory();
        random.manual_seed(1);
        using var model = new TestNet();
        var watch = RunWatch.Start(model, temp["run"]);
        var (images, labels) = Batch(0);
        var loss = nn.functional.cross_entropy(model.call(images), labels);
        loss.backward();
        watch.Step(loss);
        Directory.CreateDirectory(Path.Combine(temp["run"], "checkpoints", "final.dat")); // not a file: the save must fail
        Assert.ThrowsAny<Exception>(() => watch.Finish());
        watch.Dispose();
        var manifest = RunManifest.Read(Path.Combine(temp["run"], "run.json"));
        Assert.Equal(RunStatus.Failed, manifest.Status);
        Assert.Contains("final.dat", manifest.Error);
    }

    [Fact]
    public void A_model_the_tracing_input_does_not_fit_is_still_watched_with_a_warning()
    {
        random.manual_seed(1);
        using var model = new FixedBatchNet();
        using var watch = new TrainingWatcher(model, [new GradientNormProbe()], []);
        var x = randn(4, 1, 8, 8);
        var loss = model.call(x).sum();
        loss.backward();
        Assert.Equal(2, watch.Step(loss).Names.Count);
        Assert.StartsWith("tracing one 1x8x8 input failed", Assert.Single(watch.Warnings));
    }

    /// <summary>A user's model with its batch size built into its code, as some are.</summary>
    sealed class FixedBatchNet : nn.Module<Tensor, Tensor>
    {
        readonly Linear fc = nn.Linear(64, 1);

        public FixedBatchNet()
            : base("fixed-batch") => RegisterComponents();

        public override Tensor forward(Tensor x) => fc.call(x.view(4, 64));
    }

    sealed class FailingObserver : ITrainingObserver
    {
        public void OnTrainingStart(TrainingStart start) => throw new IOException("no speaker");
    }

    /// <summary>A reading that exists only from step 3 on, as a probe sampled every N steps gives.</summary>
    sealed class LateProbe : IProbe
    {
        public void Measure(StepContext step, ProbeReadings readings)
        {
            if (step.Step >= 3)
                readings.Add("late", tensor((float)step.Step));
        }
    }
}
