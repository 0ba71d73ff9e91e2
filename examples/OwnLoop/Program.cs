// A residual CNN of one's own, trained by one's own loop (AdamW, cosine schedule, augmentation, gradient clipping),
// watched by Stethoscope: the run folder is the one `stethoscope train` writes, and the analyses take the model as is.
// Usage: dotnet run --project examples/OwnLoop [RUN-FOLDER] [STEPS]
using OwnLoop;
using Stethoscope;
using Stethoscope.Analysis;
using Stethoscope.Data;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

var folder = args.Length > 0 ? args[0] : Path.Combine("runs", $"own-loop-{DateTime.Now:yyyyMMdd-HHmmss}");
var steps = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500;
using var digits = BundledDigits.Load();
random.manual_seed(0);
using var model = new ResidualNet();
using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3, weight_decay: 1e-4);
var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, steps);

// README:begin
using var watch = RunWatch.Start(model, folder, new RunWatchOptions(Data: "bundled", Normalization: digits.Train.Normalization));
try
{
    model.train();
    for (var step = 0; step < steps; step++)
    {
        using var scope = NewDisposeScope();
        var (images, labels) = Batch(digits.Train, step, size: 64);
        optimizer.zero_grad();
        var output = model.call(Shift(images));
        var loss = nn.functional.cross_entropy(output, labels);
        loss.backward();
        watch.Step(loss, output, labels, optimizer); // after backward(), before clipping and the optimizer
        nn.utils.clip_grad_norm_(model.parameters(), 5.0);
        optimizer.step();
        schedule.step();
    }
}
catch (Exception e)
{
    watch.Finish(RunStatus.Failed, e.Message); // run.json says why; a plain dispose would record "interrupted"
    throw;
}
var (testLoss, testAccuracy) = Evaluate(model, digits.Test);
watch.Evaluation(testLoss, testAccuracy);
var result = watch.Finish();
// README:end

// The analyses take the same model and address its layers by path.
var maps = FeatureMaps.Of(model, digits.Test.Images[0], "layer1.conv2", CPU);
var erf = EffectiveReceptiveField.Measure(model, ErfInputs.From(digits.Test), new ErfSettings("layer2", Samples: 32), CPU);
Console.WriteLine($"{result.Status} after {result.Steps} steps: test accuracy {testAccuracy:P2}; layer1.conv2 makes {maps.shape[0]} maps of {maps.shape[1]}x{maps.shape[2]}; layer2's effective receptive field σ = {erf.Sigma:0.00} px");
Console.WriteLine(Path.GetFullPath(folder));

// A batch of images drawn at random (with replacement, which is simplest for a loop that counts steps).
static (Tensor Images, Tensor Labels) Batch(ImageDataset data, int step, int size)
{
    var picked = randint(0, data.Count, [size]);
    return (data.Images.index_select(0, picked), data.Labels.index_select(0, picked));
}

// Augmentation: the batch moved by up to two pixels (wrapping around: the digits' borders are blank).
static Tensor Shift(Tensor images) => images.roll([Random.Shared.Next(-2, 3), Random.Shared.Next(-2, 3)], [2, 3]);

// Sums stay on the device and come back once, as Stethoscope's own evaluator does.
static (double Loss, double Accuracy) Evaluate(ResidualNet model, ImageDataset test)
{
    model.eval();
    using var noGrad = no_grad();
    using var scope = NewDisposeScope();
    var sums = zeros(2, float64);
    for (var start = 0; start < test.Count; start += 500)
    {
        using var batch = NewDisposeScope();
        var count = Math.Min(500, test.Count - start);
        var output = model.call(test.Images.narrow(0, start, count));
        var labels = test.Labels.narrow(0, start, count);
        sums[0] += nn.functional.cross_entropy(output, labels, reduction: nn.Reduction.Sum).to(float64);
        sums[1] += output.argmax(1).eq(labels).sum().to(float64);
    }
    var (loss, correct) = (sums[0].item<double>(), sums[1].item<double>());
    return (loss / test.Count, correct / test.Count);
}
