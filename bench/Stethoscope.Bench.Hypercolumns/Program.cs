using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Stethoscope.Analysis;
using Stethoscope.Models;
using Stethoscope.Training;
using TorchSharp;
using static TorchSharp.torch;

// Seed 000's hypercolumns: VGG-16 (seeded random weights) on one 224x224 image, the five layers conv1_2, conv2_2,
// conv3_3, conv4_3, conv5_3 (1,472 features per pixel), then k-means with k = 2 (4 restarts). Extraction and k-means
// are timed separately; extraction is compared with the same computation written directly in TorchSharp (the
// forward pass with the five ReLU outputs kept, each interpolated and copied into one tensor), interleaved in the
// same process in alternating order, median of several rounds.
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench.Hypercolumns [rounds]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
string[] layers = ["conv1_2", "conv2_2", "conv3_3", "conv4_3", "conv5_3"];
var device = Devices.Resolve(DeviceChoice.Auto);
using var vgg = (LayerStack)Vgg16.Recipe.Create(new ModelRequest(new InputShape(3, 224, 224)), seed: 0);
vgg.to(device);
vgg.eval();
using var image = rand([3, 224, 224], generator: new Generator(1));
var relus = layers.Select(l => vgg.ActivatedOutputOf(l).Name).ToHashSet();
Console.WriteLine($"# {DateTime.Now:yyyy-MM-dd} · {Environment.ProcessorCount} cores · {RuntimeInformation.OSDescription} · {device.type} · TorchSharp {typeof(torch).Assembly.GetName().Version} · libtorch {__version__}");
Console.WriteLine("| step | direct TorchSharp (s) | Stethoscope (s) | direct / Stethoscope |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
var (library, direct, kmeans) = (new List<double>(), new List<double>(), new List<double>());
Tensor? columns = null;
Extract(); // warm-up
Direct();
for (var r = 0; r < rounds; r++)
{
    // Alternate which goes first, so neither always inherits the other's freed memory.
    if (r % 2 == 0)
    {
        direct.Add(Direct());
        library.Add(Extract());
    }
    else
    {
        library.Add(Extract());
        direct.Add(Direct());
    }
    kmeans.Add(Cluster());
}
Console.WriteLine($"| extraction | {Median(direct):0.000} | {Median(library):0.000} | {Median(direct) / Median(library):P1} |");
Console.WriteLine($"| k-means, k = 2, 4 restarts, 50,176 pixels × 1,472 features | | {Median(kmeans):0.000} | |");

double Extract()
{
    columns?.Dispose();
    var watch = Stopwatch.StartNew();
    columns = Hypercolumns.Extract(vgg, image, layers, device);
    return watch.Elapsed.TotalSeconds;
}

double Cluster()
{
    var watch = Stopwatch.StartNew();
    using var scope = NewDisposeScope();
    KMeans.Fit(columns!.to(device).view(columns.shape[0], -1).t(), new KMeansSettings(2));
    return watch.Elapsed.TotalSeconds;
}

double Direct()
{
    var watch = Stopwatch.StartNew();
    using var noGrad = no_grad();
    using var scope = NewDisposeScope();
    var x = image.unsqueeze(0).to(device);
    var kept = new List<Tensor>();
    foreach (var layer in vgg.Layers)
    {
        x = layer.Module.call(x);
        if (relus.Contains(layer.Name))
            kept.Add(x);
        if (kept.Count == relus.Count)
            break;
    }
    var result = empty([kept.Sum(k => k.shape[1]), 224, 224], device: device);
    long offset = 0;
    foreach (var map in kept)
    {
        result.narrow(0, offset, map.shape[1]).copy_(nn.functional.interpolate(map, [224, 224], mode: InterpolationMode.Bilinear, align_corners: false)[0]);
        offset += map.shape[1];
    }
    _ = result.cpu();
    return watch.Elapsed.TotalSeconds;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
