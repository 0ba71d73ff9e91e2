using Google.Protobuf;
using Onnx;
using Stethoscope.Analysis;
using Stethoscope.Models;
using Stethoscope.Onnx;
using TorchSharp;
using static Stethoscope.Tests.Onnx.GraphBuilder;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Onnx;

public class OnnxImportTests
{
    const double Tolerance = 1e-4;

    public static TheoryData<string> Fixtures => [.. OnnxFixtures.Names];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void A_PyTorch_export_computes_what_PyTorch_and_OnnxRuntime_compute(string name)
    {
        using var scope = NewDisposeScope();
        var (input, expected) = OnnxFixtures.Expected(name);
        using var model = OnnxImport.Load(OnnxFixtures.Path(name));
        model.eval();
        using var noGrad = no_grad();
        var actual = model.call(input);
        Assert.InRange(OnnxOracle.RelativeError(actual, expected), 0, Tolerance);
        var file = File.ReadAllBytes(OnnxFixtures.Path(name));
        if (name == "cnn-ops-opset9")
        {
            // PyTorch writes ceil-mode pooling at opset 9 as end pads as large as the kernel, which ONNX Runtime refuses.
            Assert.Contains("Pad should be smaller than kernel", Assert.ThrowsAny<Exception>(() => OnnxOracle.Run(file, input)).Message);
            return;
        }
        Assert.InRange(OnnxOracle.RelativeError(actual, OnnxOracle.Run(file, input)), 0, Tolerance);
    }

    [Fact]
    public void Layers_are_named_after_the_onnx_nodes_and_fire_their_hooks()
    {
        using var model = OnnxImport.Load(OnnxFixtures.Path("cnn-ops-opset13"));
        var paths = ModuleTree.Of(model).Select(m => m.Path).ToArray();
        Assert.Equal(["conv1_Conv", "Relu", "bn1_BatchNormalization", "conv2_Conv", "LeakyRelu", "pool1_MaxPool", "conv3_Conv", "Sigmoid",
            "pool2_AveragePool", "Tanh", "pool3_Pad", "pool3_AveragePool", "Clip", "gap_GlobalAveragePool", "Flatten", "fc_Gemm", "LogSoftmax"], paths);
        Assert.Equal("/conv1/Conv", model.NodeNames["conv1_Conv"]);
        Assert.IsType<TorchSharp.Modules.Conv2d>(ModuleTree.Find(model, "conv1_Conv").Module);
        Assert.IsType<TorchSharp.Modules.BatchNorm2d>(ModuleTree.Find(model, "bn1_BatchNormalization").Module);
        Assert.Equal(new InputShape(3, 19, 21), model.DeclaredInput);
        var trace = ModelTrace.Of(model, new InputShape(3, 19, 21));
        Assert.Empty(trace.Warnings);
        Assert.Equal(paths.Length, trace.Layers.Count(l => l.Order is not null));
        Assert.Equal([12, 10, 11], trace.Find("conv3_Conv").OutputShape!);
    }

    [Fact]
    public void Gradients_reach_the_input_and_every_weight()
    {
        using var model = OnnxImport.Load(OnnxFixtures.Path("graph-ops-opset10"));
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 11, 10).requires_grad_();
        model.call(x)[.., 0].sum().backward();
        Assert.True(x.grad!.abs().sum().item<float>() > 0);
        Assert.All(model.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
    }

    /// <summary>The corners: asymmetric convolution pads (CNTK's 7x7 stride-2 stem, 3,3,2,2), asymmetric max-pool pads,
    /// ceil-mode averages with pads counted and not, Sum, Split and Concat, Clip with one bound, Pad by input in
    /// edge mode, Gemm with alpha, beta and an untransposed B, Identity, Dropout, GlobalMaxPool, Softmax over a map
    /// in opset 11 (over all axes from 1).</summary>
    static readonly string[] cornerNames = ["stem", "pools", "branches", "head"];

    public static TheoryData<string> Corners => [.. cornerNames];

    [Theory]
    [MemberData(nameof(Corners))]
    public void Hand_built_corner_cases_compute_what_OnnxRuntime_computes(string corner)
    {
        var (model, shape) = Corner(corner);
        using var scope = NewDisposeScope();
        using var imported = OnnxImport.FromProto(model, corner);
        imported.eval();
        var input = randn(shape, generator: new Generator(3));
        using var noGrad = no_grad();
        var actual = imported.call(input);
        var expected = OnnxOracle.Run(model.ToByteArray(), input);
        Assert.InRange(OnnxOracle.RelativeError(actual, expected), 0, Tolerance);
    }

    internal static (ModelProto Model, long[] Shape) Corner(string corner)
    {
        var random = new Random(5);
        switch (corner)
        {
            case "stem":
            {
                var g = new GraphBuilder([2, 3, 23, 20], 8);
                var x = g.Node("Conv", [Input, g.Weight("w1", [6, 3, 7, 7], random)], Ints("kernel_shape", 7, 7), Ints("strides", 2, 2), Ints("pads", 3, 3, 2, 2), String("auto_pad", "NOTSET"), Int("group", 1), Ints("dilations", 1, 1));
                x = g.Node("Relu", [x]);
                x = g.Node("MaxPool", [x], Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 0, 0));
                x = g.Node("Conv", [x, g.Weight("w2", [6, 3, 3, 3], random), g.Weight("b2", [6], random)], Ints("kernel_shape", 3, 3), Ints("strides", 2, 1), Ints("pads", 0, 1, 2, 0), Int("group", 2), Ints("dilations", 1, 2));
                return (g.Model(x), [2, 3, 23, 20]);
            }
            case "pools":
            {
                var g = new GraphBuilder([1, 2, 13, 12], 11);
                var a = g.Node("AveragePool", [Input], Ints("kernel_shape", 3, 2), Ints("strides", 2, 2), Ints("pads", 1, 0, 0, 1), Int("ceil_mode", 1), Int("count_include_pad", 1));
                a = g.Node("AveragePool", [a], Ints("kernel_shape", 2, 3), Ints("strides", 2, 2), Ints("pads", 0, 1, 1, 1), Int("ceil_mode", 1));
                var m = g.Node("MaxPool", [Input], Ints("kernel_shape", 3, 3), Ints("strides", 3, 3), Ints("pads", 2, 0, 0, 2), Int("ceil_mode", 1), Ints("dilations", 1, 1));
                var p = g.Node("GlobalMaxPool", [m]);
                return (g.Model(g.Node("Add", [a, p])), [1, 2, 13, 12]);
            }
            case "branches":
            {
                var g = new GraphBuilder([2, 4, 9, 9], 11);
                var parts = g.Nodes("Split", [Input], 2, Int("axis", 1), Ints("split", 1, 3));
                var c = g.Node("Conv", [parts[1], g.Weight("w", [1, 3, 1, 1], random)], Ints("kernel_shape", 1, 1));
                var sum = g.Node("Sum", [parts[0], c, g.Node("Identity", [parts[0]])]);
                var clip = g.Node("Clip", [sum, "", g.Constant("max", [], [0.2f])]);
                var padded = g.Node("Pad", [clip, g.Longs("pads", 0, 0, 2, 1, 0, 0, 0, 3)], String("mode", "edge"));
                var dropped = g.Node("Dropout", [padded], Float("ratio", 0.4f));
                return (g.Model(g.Node("Concat", [dropped, g.Node("Sigmoid", [dropped])], Int("axis", 1))), [2, 4, 9, 9]);
            }
            default:
            {
                var g = new GraphBuilder([3, 2, 4, 5], 11);
                var soft = g.Node("Softmax", [Input], Int("axis", 1));
                var flat = g.Node("Flatten", [soft], Int("axis", 1));
                var gemm = g.Node("Gemm", [flat, g.Weight("b", [40, 7], random), g.Weight("c", [7], random)], Float("alpha", 0.5f), Float("beta", 2f));
                var sub = g.Node("Sub", [g.Constant("one", [1], [1f]), gemm]);
                return (g.Model(g.Node("LogSoftmax", [g.Node("Tanh", [sub])], Int("axis", 1))), [3, 2, 4, 5]);
            }
        }
    }

    [Fact]
    public void The_fixtures_and_corner_cases_cover_every_operator_of_the_table()
    {
        var used = OnnxFixtures.Names.SelectMany(n => OnnxImport.Read(OnnxFixtures.Path(n)).Graph.Node.Select(x => x.OpType))
            .Concat(cornerNames.SelectMany(c => Corner(c).Model.Graph.Node.Select(x => x.OpType)))
            .ToHashSet();
        var table = typeof(OnnxImport).Assembly.GetType("Stethoscope.Onnx.OnnxOperators")!.GetProperty("Names")!.GetValue(null) as IEnumerable<string>;
        Assert.Empty(table!.Except(used));
    }

    [Fact]
    public void An_unsupported_operator_is_one_line_naming_the_node()
    {
        var g = new GraphBuilder([1, 3, 8, 8], 13);
        var model = g.Model(g.Node("Relu", [g.Node("Transpose", [Input], Ints("perm", 0, 1, 3, 2))]));
        var error = Assert.Throws<OnnxImportException>(() => OnnxImport.FromProto(model, "t"));
        Assert.StartsWith("node 'transpose0' (Transpose): operator Transpose is not supported; supported: Add, AveragePool,", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_attribute_nobody_reads_refuses_the_node_instead_of_being_ignored()
    {
        var g = new GraphBuilder([1, 3, 8, 8], 13);
        var model = g.Model(g.Node("MaxPool", [Input], Ints("kernel_shape", 2, 2), Int("new_flag", 1)));
        Assert.Equal("node 'maxpool0' (MaxPool): attribute 'new_flag' is not supported", Assert.Throws<OnnxImportException>(() => OnnxImport.FromProto(model, "t")).Message);
        g = new GraphBuilder([1, 3, 8, 8], 13);
        model = g.Model(g.Node("Conv", [Input, g.Weight("w", [2, 3, 3, 3], new Random(1))], Ints("strides", 2, 2), String("auto_pad", "SAME_UPPER")));
        Assert.Contains("auto_pad SAME_UPPER with strides 2,2", Assert.Throws<OnnxImportException>(() => OnnxImport.FromProto(model, "t")).Message);
    }

    [Fact]
    public void A_file_that_is_not_an_onnx_model_is_one_line()
    {
        using var folder = new TempDirectory();
        File.WriteAllText(folder["bad.onnx"], "this is not protobuf at all, just text");
        var error = Assert.ThrowsAny<StethoscopeException>(() => OnnxImport.Load(folder["bad.onnx"]));
        Assert.StartsWith($"{folder["bad.onnx"]}: not an ONNX model", error.Message);
        Assert.Equal($"{folder["missing.onnx"]}: no such ONNX file", Assert.ThrowsAny<StethoscopeException>(() => OnnxImport.Load(folder["missing.onnx"])).Message);
        var truncated = File.ReadAllBytes(OnnxFixtures.Path("cnn-ops-opset13"));
        File.WriteAllBytes(folder["cut.onnx"], truncated[..(truncated.Length / 2)]);
        Assert.StartsWith($"{folder["cut.onnx"]}: not an ONNX model", Assert.ThrowsAny<StethoscopeException>(() => OnnxImport.Load(folder["cut.onnx"])).Message);
    }

    [Fact]
    public void Receptive_fields_with_asymmetric_pads_match_the_brute_force_impulse_check()
    {
        var (proto, _) = Corner("stem");
        using var model = OnnxImport.FromProto(proto, "stem");
        var input = new InputShape(3, 23, 20);
        var table = ReceptiveFieldTable.Of(model, input).ToDictionary(r => r.Layer);
        Assert.Equal((7, 2, -3), (table["conv0"].Size!.Value, table["conv0"].Jump!.Value, table["conv0"].Start!.Value));
        Assert.Equal((11, 4, -5), (table["maxpool2"].Size!.Value, table["maxpool2"].Jump!.Value, table["maxpool2"].Start!.Value));
        var reach = Analysis.ImpulseResponse.Measure(model, input);
        Assert.Equal(4, table.Values.Count(r => r.Kind == ReceptiveFieldKind.Window));
        foreach (var (path, row) in table.Where(t => t.Value.Kind == ReceptiveFieldKind.Window))
        {
            // The impulses run along the input's centre row and column; a centre unit whose window misses them (a
            // 1-pixel pad window off the centre) sees none of them.
            var seen = reach[path];
            var rows = row.WindowOf((int)(seen.OutputShape[1] - 1) / 2);
            var columns = row.WindowOf((int)(seen.OutputShape[2] - 1) / 2);
            var (cy, cx) = ((input.Height - 1) / 2, (input.Width - 1) / 2);
            Assert.Equal(columns.First <= cx && cx <= columns.Last ? Clipped(rows, input.Height) : [], seen.Rows);
            Assert.Equal(rows.First <= cy && cy <= rows.Last ? Clipped(columns, input.Width) : [], seen.Columns);
        }
        // The last convolution's strides (2, 1) and dilations (1, 2) give a rectangular field, which the table names.
        Assert.Contains("rectangular field", table["conv3"].Note);
    }

    static int[] Clipped((int First, int Last) window, int size)
    {
        var first = Math.Max(0, window.First);
        return [.. Enumerable.Range(first, Math.Min(size - 1, window.Last) - first + 1)];
    }
}
