// CPU forward throughput of the imported ResNet-18 (OnnxImport, TorchSharp) against ONNX Runtime on the same file, at
// batch 1 and 16, in one run. Needs the model cache ('stethoscope models get resnet18-imagenet').
// Usage: dotnet run -c Release --project bench/Stethoscope.Bench.Onnx [-- SECONDS_PER_MEASUREMENT]
//        ... -- layers [SECONDS_PER_KERNEL]: each convolution at batch 1, libtorch's kernels against ONNX Runtime's profile
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Stethoscope.Onnx;
using Stethoscope.Training;
using static TorchSharp.torch;

var layers = args.FirstOrDefault() == "layers";
var numbers = layers ? args[1..] : args;
var seconds = numbers.Length > 0 ? double.Parse(numbers[0], CultureInfo.InvariantCulture) : 10;
var path = PretrainedResNet18.NetworkPath(ModelCache.Root);
if (!File.Exists(path))
{
    Console.Error.WriteLine($"error: {path} is missing; run 'stethoscope models get {PretrainedResNet18.Name}' first");
    return 1;
}
CpuKernels.EnsureConfigured();
var proto = OnnxImport.Read(path);
// The file declares batch 1; a named batch dimension lets ONNX Runtime take 16 too.
proto.Graph.Input[0].Type.TensorType.Shape.Dim[0] = new Onnx.TensorShapeProto.Types.Dimension { DimParam = "N" };
proto.Graph.Output[0].Type.TensorType.Shape.Dim[0] = new Onnx.TensorShapeProto.Types.Dimension { DimParam = "N" };
using var model = OnnxImport.FromProto(proto, "ResNet18");
model.eval();
if (layers)
{
    ConvolutionLayers.Print(model, proto, seconds);
    return 0;
}
using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
// ONNX Runtime's threads otherwise keep spinning after each run and take the cores from the TorchSharp rounds.
options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
using var session = new InferenceSession(proto.ToByteArray(), options);
var inputName = session.InputMetadata.Keys.First();

Console.WriteLine($"ResNet18.onnx (CNTK, 224x224), CPU, {Environment.ProcessorCount} cores, torch threads {get_num_threads()}, oneDNN {(CpuKernels.OneDnnEnabled ? "on" : "off")} ({CpuKernels.OneDnnVariable}), {seconds:0} s per measurement");
Console.WriteLine("| batch | imported (TorchSharp) img/s | ONNX Runtime img/s | ratio |");
Console.WriteLine("| ---: | ---: | ---: | ---: |");
foreach (var batch in new[] { 1, 16 })
{
    using var x0 = rand(batch, 3, 224, 224, generator: new Generator(1));
    using var x = Environment.GetEnvironmentVariable("EXPERIMENT_CL") == "1" ? x0.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x0.alias();
    var values = x.data<float>().ToArray();
    var dense = new DenseTensor<float>(values, [batch, 3, 224, 224]);
    void Imported()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        model.call(x);
    }
    void Runtime()
    {
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, dense)]);
    }
    Imported();
    Runtime();
    // Alternate short rounds so that both see the same machine load.
    double importedRate = 0, runtimeRate = 0;
    for (var round = 0; round < 4; round++)
    {
        importedRate += Rate(Imported, batch, seconds / 8);
        runtimeRate += Rate(Runtime, batch, seconds / 8);
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {batch} | {importedRate / 4:0.0} | {runtimeRate / 4:0.0} | {importedRate / runtimeRate:0.00} |"));
}
return 0;

static double Rate(Action forward, int batch, double seconds)
{
    var clock = Stopwatch.StartNew();
    var images = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        forward();
        images += batch;
    }
    return images / clock.Elapsed.TotalSeconds;
}
