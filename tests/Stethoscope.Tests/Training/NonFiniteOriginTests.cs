using System.Text.Json;
using Stethoscope.Report;
using Stethoscope.Runs;
using Stethoscope.Tests.Cli;
using Stethoscope.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Stethoscope.Tests.Training;

/// <summary>A digits classifier whose second convolution holds one infinite weight from the start: its forward pass,
/// from finite inputs, is the first place a NaN/inf appears. Trained by <c>train --model Stethoscope.Tests.dll:…</c>.</summary>
public sealed class InfiniteWeightNet : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1 = nn.Conv2d(1, 4, 5);
    readonly ReLU relu1 = nn.ReLU();
    readonly Conv2d conv2 = nn.Conv2d(4, 4, 5);
    readonly ReLU relu2 = nn.ReLU();
    readonly Linear fc = nn.Linear(4 * 20 * 20, 10);

    public InfiniteWeightNet()
        : base("infinite-weight-net")
    {
        RegisterComponents();
        using var noGrad = no_grad();
        conv2.weight![0, 0, 0, 0].fill_(float.PositiveInfinity);
    }

    public override Tensor forward(Tensor x) => fc.call(relu2.call(conv2.call(relu1.call(conv1.call(x)))).flatten(1));
}

/// <summary>
/// A digits classifier that is finite forward and NaN only backward: <c>magnitude</c> computes √(x²), whose gradient
/// at x = 0 is ∞ · 0, and the first unit of <c>fc1</c> is 0 for every image (its weights and bias are zero). The NaN
/// starts in <c>magnitude</c>'s backward and reaches <c>fc1.weight</c> first.
/// </summary>
public sealed class SquareRootNet : nn.Module<Tensor, Tensor>
{
    readonly Flatten flatten = nn.Flatten();
    readonly Linear fc1 = nn.Linear(28 * 28, 8);
    readonly Magnitude magnitude = new();
    readonly Linear fc2 = nn.Linear(8, 10);

    public SquareRootNet()
        : base("square-root-net")
    {
        RegisterComponents();
        using var noGrad = no_grad();
        fc1.weight![0].zero_();
        fc1.bias![0].zero_();
    }

    public override Tensor forward(Tensor x) => fc2.call(magnitude.call(fc1.call(flatten.call(x))));

    sealed class Magnitude : nn.Module<Tensor, Tensor>
    {
        public Magnitude()
            : base("magnitude")
        {
        }

        public override Tensor forward(Tensor x) => (x * x).sqrt();
    }
}

/// <summary>
/// Where the first NaN/inf came from, end to end through <c>train</c> in its own process (non-finite tensors stay out
/// of the test host, see <see cref="DivergenceProcessTests"/>): constructed models with one exact answer each, and the
/// seed's exploding run, whose outcome depends on the CPU, held to the contract only.
/// </summary>
public class NonFiniteOriginTests
{
    static string UserModel<T>() => $"{typeof(T).Assembly.Location}:{typeof(T).FullName}";

    static (RunManifest Manifest, string Output) Train(TempDirectory temp, params string[] args)
    {
        var (code, output) = DivergenceProcessTests.RunCli(["train", "--device", "cpu", "--out", temp["run"], .. args]);
        Assert.True(code == 0, output);
        return (RunManifest.Read(new RunFolder(temp["run"]).RunJson), output);
    }

    [Fact]
    public void An_infinite_weight_is_found_in_the_forward_pass_of_its_module_from_finite_inputs()
    {
        using var temp = new TempDirectory();
        var (manifest, output) = Train(temp, "--model", UserModel<InfiniteWeightNet>(), "--max-steps", "3", "--batch-size", "8");
        Assert.Equal(RunStatus.Diverged, manifest.Status);
        var origin = manifest.NonFiniteOrigin!;
        Assert.Equal((1L, NonFinitePass.Forward, "conv2", "conv2.weight", (bool?)true), (origin.Step, origin.Pass, origin.Module, origin.Parameter, origin.InputsFinite));
        Assert.Contains("conv2.weight holds 1 inf of 400 values", origin.Detail);
        // The summary and the report name it too.
        Assert.Contains("NaN/inf origin", output);
        Assert.Contains("forward pass in conv2", output);
        var html = File.ReadAllText(RunReport.Write(new RunFolder(temp["run"])));
        Assert.Contains("First NaN/inf: step 1, forward pass in conv2 (conv2.weight), inputs finite", html);
        // run.json holds the contract's fields, snake_case, and nothing else.
        var json = JsonDocument.Parse(File.ReadAllText(new RunFolder(temp["run"]).RunJson)).RootElement.GetProperty("non_finite_origin");
        Assert.Equal(["step", "pass", "module", "parameter", "inputs_finite", "detail"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("forward", json.GetProperty("pass").GetString());
    }

    [Fact]
    public void A_nan_made_only_backward_is_found_in_the_module_whose_backward_made_it_and_the_first_parameter_it_reached()
    {
        using var temp = new TempDirectory();
        var (manifest, _) = Train(temp, "--model", UserModel<SquareRootNet>(), "--max-steps", "3", "--batch-size", "8", "--quiet");
        Assert.Equal(RunStatus.Diverged, manifest.Status);
        var origin = manifest.NonFiniteOrigin!;
        Assert.Equal((1L, NonFinitePass.Backward, "magnitude", "fc1.weight", (bool?)true), (origin.Step, origin.Pass, origin.Module, origin.Parameter, origin.InputsFinite));
    }

    [Fact]
    public void The_seeds_exploding_run_records_an_origin_exactly_when_it_diverges()
    {
        // lr 1.0 at batch 256 reaches NaN on some CPUs and only kills every ReLU on others: the contract, not the step.
        using var temp = new TempDirectory();
        var (manifest, _) = Train(temp, "--lr", "1.0", "--batch-size", "256", "--max-steps", "200", "--quiet");
        if (manifest.Status != RunStatus.Diverged)
        {
            Assert.Null(manifest.NonFiniteOrigin);
            return;
        }
        var origin = manifest.NonFiniteOrigin!;
        Assert.Equal(manifest.FirstNonFiniteStep, origin.Step);
        Assert.False(string.IsNullOrWhiteSpace(origin.Detail));
    }
}
