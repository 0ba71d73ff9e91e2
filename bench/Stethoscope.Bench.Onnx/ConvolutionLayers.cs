using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Stethoscope.Onnx;
using Stethoscope.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// Where the batch-1 gap comes from: each convolution of the imported network timed alone on its real input with
/// libtorch's two CPU kernels (oneDNN and im2col), beside the time ONNX Runtime's profiler gives the same
/// convolution (fused there with its BatchNorm and ReLU), in graph order. The sum of libtorch's better kernel per layer
/// bounds the imported network's speed from above whatever happens between the convolutions.
/// </summary>
static class ConvolutionLayers
{
    public static void Print(OnnxModel model, Onnx.ModelProto proto, double seconds)
    {
        using var x = rand(1, 3, 224, 224, generator: new Generator(1));
        var convolutions = Inputs(model, x);
        var (runtimeConvolutions, runtimeTotal) = RuntimeProfile(proto, x);
        if (runtimeConvolutions.Count != convolutions.Count)
            throw new InvalidOperationException($"ONNX Runtime ran {runtimeConvolutions.Count} convolutions, the import has {convolutions.Count}");
        Console.WriteLine($"batch 1, each convolution timed alone for {seconds:0.#} s per kernel; ONNX Runtime: mean of its profiled runs");
        Console.WriteLine("| layer | input | weight | oneDNN ms | im2col ms | ONNX Runtime ms |");
        Console.WriteLine("| --- | --- | --- | ---: | ---: | ---: |");
        double oneDnnSum = 0, im2colSum = 0, bestSum = 0;
        using var noGrad = no_grad();
        for (var i = 0; i < convolutions.Count; i++)
        {
            var (name, conv, input) = convolutions[i];
            using var sample = rand(input, generator: new Generator(2));
            CpuKernels.SetOneDnn(true);
            var oneDnn = Milliseconds(() => conv.call(sample).Dispose(), seconds);
            // NNPACK off too, as STETHOSCOPE_ONEDNN=off does: libtorch would otherwise try it before im2col.
            CpuKernels.SetOneDnn(false);
            CpuKernels.SetNnpack(false);
            var im2col = Milliseconds(() => conv.call(sample).Dispose(), seconds);
            CpuKernels.SetOneDnn(CpuKernels.OneDnnEnabled);
            CpuKernels.SetNnpack(CpuKernels.OneDnnEnabled);
            oneDnnSum += oneDnn;
            im2colSum += im2col;
            bestSum += Math.Min(oneDnn, im2col);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {string.Join("x", input)} | {string.Join("x", conv.weight!.shape)} | {oneDnn:0.00} | {im2col:0.00} | {runtimeConvolutions[i]:0.00} |"));
        }
        var runtimeSum = runtimeConvolutions.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| all {convolutions.Count} | | | {oneDnnSum:0.0} | {im2colSum:0.0} | {runtimeSum:0.0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"libtorch, the better kernel of each layer: {bestSum:0.0} ms of convolutions; ONNX Runtime's whole forward pass: {runtimeTotal:0.0} ms; so the imported network reaches at most {runtimeTotal / bestSum:0.00}x ONNX Runtime's batch-1 speed on this machine"));
    }

    /// <summary>Every <c>Conv2d</c> child in graph order with the shape of the input it is given.</summary>
    static List<(string Name, Conv2d Conv, long[] Input)> Inputs(OnnxModel model, Tensor x)
    {
        var found = new List<(string, Conv2d, long[])>();
        var removers = model.named_children()
            .Where(c => c.module is Conv2d)
            .Select(c => ((Conv2d)c.module).register_forward_hook((m, input, output) =>
            {
                found.Add((c.name, (Conv2d)m, input.shape));
                return output;
            }))
            .ToList();
        using (no_grad())
            model.call(x).Dispose();
        removers.ForEach(r => r.remove());
        return found;
    }

    /// <summary>ONNX Runtime's kernel time per convolution node in execution order, and per whole run (ms).</summary>
    static (List<double> Convolutions, double Total) RuntimeProfile(Onnx.ModelProto proto, Tensor x)
    {
        const int Runs = 30;
        var prefix = Path.Combine(Path.GetTempPath(), $"stethoscope-ort-profile-{Environment.ProcessId}");
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, EnableProfiling = true, ProfileOutputPathPrefix = prefix };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        using var session = new InferenceSession(proto.ToByteArray(), options);
        var dense = new DenseTensor<float>(x.data<float>().ToArray(), [.. x.shape.Select(d => (int)d)]);
        var input = session.InputMetadata.Keys.First();
        for (var run = 0; run < Runs + 3; run++)
            session.Run([NamedOnnxValue.CreateFromTensor(input, dense)]).Dispose();
        var file = session.EndProfiling();
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        File.Delete(file);
        var order = new List<string>();
        var convolutions = new Dictionary<string, List<double>>();
        var total = new List<double>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            var name = e.GetProperty("name").GetString()!;
            var milliseconds = e.GetProperty("dur").GetInt64() / 1000.0;
            if (e.GetProperty("cat").GetString() == "Session" && name == "model_run")
                total.Add(milliseconds);
            if (e.GetProperty("cat").GetString() != "Node" || !name.EndsWith("_kernel_time") || e.GetProperty("args").GetProperty("op_name").GetString() != "Conv")
                continue;
            if (!convolutions.TryGetValue(name, out var times))
            {
                order.Add(name);
                convolutions[name] = times = [];
            }
            times.Add(milliseconds);
        }
        // The first runs warm up.
        return ([.. order.Select(n => convolutions[n].Skip(3).Average())], total.Skip(3).Average());
    }

    static double Milliseconds(Action run, double seconds)
    {
        run();
        var clock = Stopwatch.StartNew();
        var count = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            run();
            count++;
        }
        return clock.Elapsed.TotalMilliseconds / count;
    }
}
