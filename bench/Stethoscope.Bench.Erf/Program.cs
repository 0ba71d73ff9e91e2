using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Stethoscope.Analysis;
using Stethoscope.Models;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

// Effective-receptive-field throughput (input images per second through forward and backward) of a 20-layer
// 3x3 erf-stack on 64x64 inputs: the library's EffectiveReceptiveField.Measure against the same computation
// written directly in TorchSharp (a Sequential of convolutions with the same weights, noise inputs, autograd.grad of the centre unit,
// |gradient| summed on the device, read back once). Interleaved rounds, medians, same process.
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench.Erf [rounds]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
const int Depth = 20, Size = 64, Batch = 64;
var device = Devices.Resolve(DeviceChoice.Auto);
Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · {device.type} · TorchSharp {typeof(torch).Assembly.GetName().Version} · libtorch {__version__}");
Console.WriteLine($"{Depth} layers of 3x3 with ReLU, {Size}x{Size} inputs, batches of {Batch}");
Console.WriteLine("| channels | samples | direct TorchSharp (img/s) | Stethoscope (img/s) | Stethoscope / direct |");
Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
foreach (var (channels, samples) in new[] { (1, 512), (16, 128) })
{
    var request = new ModelRequest(new InputShape(channels, Size, Size), ErfStack: new ErfStackSettings(Depth, Channels: channels, Activation: StackActivation.ReLU, Init: StackInit.Random));
    using var model = (LayerStack)ErfStack.Recipe.Create(request, seed: 0);
    model.to(device);
    using var direct = nn.Sequential([.. Enumerable.Range(0, Depth).SelectMany(i => new (string, nn.Module<Tensor, Tensor>)[]
    {
        ($"conv{i}", nn.Conv2d(channels, channels, 3, padding: 1)),
        ($"relu{i}", nn.ReLU()),
    })]);
    CopyWeights(model, direct);
    direct.to(device);
    var library = new List<double>();
    var plain = new List<double>();
    Library(); // warm-up
    Direct();
    for (var r = 0; r < rounds; r++)
    {
        plain.Add(Direct());
        library.Add(Library());
    }
    var (medianPlain, medianLibrary) = (Median(plain), Median(library));
    Console.WriteLine($"| {channels} | {samples} | {medianPlain:0} | {medianLibrary:0} | {medianLibrary / medianPlain:P1} |");

    double Library()
    {
        var watch = Stopwatch.StartNew();
        EffectiveReceptiveField.Measure(model, ErfInputs.Random(model.InputShape, seed: 0), new ErfSettings(Samples: samples, BatchSize: Batch), device);
        return samples / watch.Elapsed.TotalSeconds;
    }

    double Direct()
    {
        var watch = Stopwatch.StartNew();
        direct.eval();
        using var total = zeros([Size, Size], device: device);
        using var generator = new torch.Generator(0);
        for (var first = 0; first < samples; first += Batch)
        {
            using var scope = NewDisposeScope();
            var x = randn([Batch, channels, Size, Size], generator: generator).to(device).requires_grad_(true);
            var unit = direct.call(x)[TensorIndex.Colon, TensorIndex.Colon, Size / 2, Size / 2].sum();
            total.add_(torch.autograd.grad([unit], [x])[0].abs().sum([0, 1]));
        }
        using var map = total.div(samples).to(float64).cpu();
        _ = map.data<double>().ToArray();
        return samples / watch.Elapsed.TotalSeconds;
    }
}

// The same weights in both, so both compute exactly the same gradients.
static void CopyWeights(LayerStack from, nn.Module to)
{
    using var noGrad = no_grad();
    var source = from.WeightedLayers.SelectMany(l => l.Module.parameters()).ToArray();
    var target = to.parameters().ToArray();
    for (var i = 0; i < source.Length; i++)
        target[i].copy_(source[i]);
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
