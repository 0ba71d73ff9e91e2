using System.Text.Json;
using SkiaSharp;
using Stethoscope.Experiments;
using Stethoscope.Runs;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Cli;

public class ReceptiveFieldCommandTests
{
    static JsonElement Json(string output) => JsonDocument.Parse(output).RootElement;

    static void AssertPng(string path, int width, int height)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Rf_json_gives_vgg16_pool5_and_nulls_for_the_classifier()
    {
        var (code, output, error) = Invoke("rf", "--model", "vgg16", "--json");
        Assert.Equal((0, ""), (code, error));
        var layers = Json(output).GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!);
        var pool5 = layers["pool5"];
        Assert.Equal((212, 32, -90), (pool5.GetProperty("receptive_field").GetInt32(), pool5.GetProperty("jump").GetInt32(), pool5.GetProperty("start").GetInt32()));
        Assert.Equal(JsonValueKind.Null, layers["fc6"].GetProperty("receptive_field").ValueKind);
    }

    [Fact]
    public void Rf_names_the_layer_where_fields_stop_being_defined()
    {
        var (code, output, error) = Invoke("rf", "--model", "vgg16", "--input", "3x100x100");
        Assert.Equal(0, code);
        Assert.Matches(@"pool5\s*│\s*212", output);
        Assert.Matches(@"fc8\s*│\s*unknown", output);
        Assert.Equal("note: receptive fields stop at avgpool: adaptive pooling from 3x3 to 7x7 has no fixed window", error.Trim());
    }

    [Fact]
    public void Rf_of_resnet18_gives_every_module_path_and_layer4_sees_435_pixels()
    {
        var (code, output, error) = Invoke("rf", "--model", "resnet18", "--input", "3x224x224");
        Assert.Equal((0, ""), (code, error));
        Assert.Matches(@"maxpool\s*│\s*11\s*│\s*4\s*│\s*-5", output);
        Assert.Matches(@"layer2\.0\.downsample\.0\s*│\s*43\s*│\s*8\s*│\s*-21", output);
        Assert.Matches(@"layer4\s*│\s*435\s*│\s*32\s*│\s*-217", output);
        Assert.Matches(@"fc\s*│\s*whole input", output);
    }

    [Fact]
    public void Summary_of_the_residual_digits_model_lists_its_blocks_with_fields()
    {
        var (code, output, _) = Invoke("summary", "--model", "resnet-digits");
        Assert.Equal(0, code);
        Assert.Matches(@"layer1\.0\.bn2\s*│\s*BatchNorm2d\s*│\s*16x14x14\s*│\s*13\s*│\s*32", output);
        Assert.Matches(@"layer2\.0\s*│\s*BasicBlock\s*│\s*32x7x7\s*│\s*25\s*│\s*14,528", output);
        Assert.Matches(@"fc\s*│\s*Linear\s*│\s*10\s*│\s*whole input\s*│\s*330", output);
    }

    [Fact]
    public void Summary_has_a_receptive_field_column()
    {
        var (code, output, _) = Invoke("summary", "--model", "mnist-net");
        Assert.Equal(0, code);
        Assert.Matches(@"pool2\s*│\s*MaxPool2d\s*│\s*50x4x4\s*│\s*16\s*│", output);
        Assert.Matches(@"fc1\s*│\s*Linear\s*│\s*500\s*│\s*whole input\s*│\s*400,500", output);
    }

    [Fact]
    public void Erf_on_a_uniform_linear_stack_prints_the_box_convolution_spread_and_writes_the_heat_map()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = Invoke("erf", "--model", "erf-stack", "--depth", "4", "--input", "1x24x24", "--samples", "2", "--device", "cpu", "--json", "--out", temp["erf.png"]);
        Assert.Equal((0, ""), (code, error));
        var numbers = Json(output);
        Assert.Equal(8.0 / 3, Math.Pow(numbers.GetProperty("sigma_x").GetDouble(), 2), 3);
        Assert.Equal(9, numbers.GetProperty("theoretical_rf").GetInt32());
        Assert.InRange(numbers.GetProperty("ratio").GetDouble(), 0.1, 1.0);
        AssertPng(temp["erf.png"], 420, 480);
    }

    [Fact]
    public void Erf_of_a_run_compares_its_first_and_last_checkpoint()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, Invoke("train", "--data", "synthetic:64", "--max-steps", "3", "--batch-size", "16", "--device", "cpu", "--quiet", "--out", temp["run"]).Code);
        var (code, output, error) = Invoke("erf", temp["run"], "--layer", "conv2", "--samples", "4", "--json");
        Assert.Equal((0, ""), (code, error));
        var numbers = Json(output);
        Assert.Equal(14, numbers.GetProperty("initial").GetProperty("theoretical_rf").GetInt32());
        Assert.Equal("conv2", numbers.GetProperty("final").GetProperty("layer").GetString());
        // --json is for scripts: it leaves no figure behind unless --out asks for one.
        var figure = Path.Combine(new RunFolder(temp["run"]).Figures, "erf.png");
        Assert.False(File.Exists(figure));
        Assert.Contains("initial", Invoke("erf", temp["run"], "--samples", "2", "--input", "random").Out);
        AssertPng(figure, 840, 480);
        Assert.Equal(0, Invoke("erf", temp["run"], "--samples", "2", "--json", "--out", temp["again.png"]).Code);
        AssertPng(temp["again.png"], 840, 480);
    }

    [Fact]
    public void Erf_json_of_a_model_writes_no_heat_map_into_the_current_folder()
    {
        var args = new[] { "erf", "--model", "erf-stack", "--depth", "2", "--input", "1x12x12", "--samples", "1", "--device", "cpu", "--json" };
        var layer = Json(Invoke(args).Out).GetProperty("layer").GetString();
        var here = Path.GetFullPath($"erf-erf-stack-{layer}.png");
        File.Delete(here);
        var (code, output, error) = Invoke(args);
        Assert.Equal((0, ""), (code, error));
        Assert.Equal(layer, Json(output).GetProperty("layer").GetString());
        Assert.False(File.Exists(here));
    }

    [Theory]
    [InlineData(1, "layer fc1 has no spatial output; layers with maps: conv1", "erf", "--layer", "fc1")]
    [InlineData(1, "model mnist-net has no layer 'conv9'; valid layers: conv1", "erf", "--layer", "conv9")]
    [InlineData(2, "unit 40,0 is outside layer pool2's 4x4 map", "erf", "--unit", "40,0")]
    [InlineData(2, "unit 'top' is not 'center' or ROW,COL", "erf", "--unit", "top")]
    [InlineData(1, "/no/such/run: no such run folder or checkpoint file", "erf", "/no/such/run")]
    [InlineData(1, "/no/such.dat: no such weights file", "erf", "--weights", "/no/such.dat")]
    [InlineData(2, "erf-stack needs depth 1..1000", "erf", "--model", "erf-stack", "--depth", "0")]
    [InlineData(2, "--depths '5,x' is not a comma-separated list", "erf-study", "--depths", "5,x")]
    [InlineData(2, "the study needs at least two depths", "erf-study", "--depths", "5")]
    public void Bad_erf_input_is_one_error_line(int code, string expected, params string[] args)
    {
        using var temp = new TempDirectory();
        var error = AssertOneLineError(code, Invoke([.. args, "--out", temp["x"]]));
        Assert.Contains(expected, error);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void A_checkpoint_that_is_not_one_is_refused_clearly()
    {
        using var temp = new TempDirectory();
        Assert.Equal(0, Invoke("train", "--data", "synthetic:32", "--max-steps", "1", "--device", "cpu", "--quiet", "--out", temp["run"]).Code);
        var folder = new RunFolder(temp["run"]);
        File.WriteAllText(folder.FinalCheckpoint, "not a checkpoint");
        var error = AssertOneLineError(1, Invoke("erf", folder.FinalCheckpoint, "--samples", "1"));
        Assert.Contains("final.dat: not a mnist-net checkpoint for input 1x28x28", error);
        File.Delete(folder.FinalCheckpoint);
        Assert.Contains("no final.dat checkpoint", AssertOneLineError(1, Invoke("erf", temp["run"])));
    }

    [Fact]
    public void Erf_study_writes_the_figure_and_table_and_fits_one_half_for_uniform_linear_stacks()
    {
        using var temp = new TempDirectory();
        var (code, output, error) = Invoke("erf-study", "--depths", "2,4", "--input-size", "16", "--draws", "2", "--device", "cpu", "--out", temp["study"]);
        Assert.Equal((0, ""), (code, error));
        Assert.Matches(@"uniform, linear\s*│\s*1\.15\s*│\s*1\.63\s*│\s*0\.500", output);
        var rows = File.ReadAllLines(Path.Combine(temp["study"], "erf-study.csv"));
        Assert.Equal(1 + 8 * 2, rows.Length);
        Assert.StartsWith("uniform,linear,4,1.63299", rows[2]);
        using var figure = SKBitmap.Decode(Path.Combine(temp["study"], "erf-study.png"));
        // A tile per case and depth: the central 13x13 px (depth 4's 9 px field and 4) enlarged 180 / 13 = 13 times,
        // a 19 px caption and 10 px gaps; a 26 px title and 20 px column headings above, the case labels on the left
        // (13 px text and 8 px); as wide as the title where it is wider (and 4 px).
        using var font = new SKFont(SKTypeface.Default, 13);
        const string title = "ERF of the centre unit, 3x3 conv stacks; central 13x13 px of 16x16; each map scaled to its maximum";
        var labels = (int)ErfStudy.Cases.Max(c => font.MeasureText(c.Label)) + 8;
        Assert.Equal((Math.Max((int)font.MeasureText(title) + 4, labels + 2 * (169 + 10) - 10), 26 + 20 + 8 * (169 + 19 + 10) - 10), (figure.Width, figure.Height));
    }
}
