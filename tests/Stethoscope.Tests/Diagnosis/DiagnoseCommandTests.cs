using System.Text.Json;
using Stethoscope.Tests.Cli;

namespace Stethoscope.Tests.Diagnosis;

public class DiagnoseCommandTests
{
    static ConstructedRun DyingRun() => new ConstructedRun()
        .Metrics(100, _ => 2.3f, (s, _) => s < 50 ? "0.5" : "0")
        .Activations(100, 10, (s, _) => s >= 30 ? 1f : 0f);

    [Fact]
    public void Prints_each_verdict_with_its_layers_step_evidence_and_suggestion()
    {
        using var run = DyingRun();
        var (code, output, error) = CliInvocation.Invoke("diagnose", run.Root);
        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("2 verdicts after 100 steps", output);
        Assert.Contains("Dead units (dead-units): in relu1, relu3 from step 30:", output);
        Assert.Contains("Zero gradients (zero-gradients): in conv1, conv2, fc1, fc2 from step 50:", output);
        Assert.Contains("try: ", output);
    }

    [Fact]
    public void Json_has_diagnosis_json_s_form()
    {
        using var run = DyingRun();
        var (code, output, _) = CliInvocation.Invoke("diagnose", run.Root, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt32());
        var verdicts = json.RootElement.GetProperty("verdicts").EnumerateArray().ToArray();
        Assert.Equal(["dead-units", "zero-gradients"], verdicts.Select(v => v.GetProperty("rule").GetString()));
        Assert.Equal(50, verdicts[1].GetProperty("first_step").GetInt64());
        Assert.Equal(54, verdicts[1].GetProperty("detected_step").GetInt64());
        Assert.Equal(4, verdicts[1].GetProperty("values").GetProperty("zero_layers").GetDouble());
        Assert.All(verdicts, v => Assert.False(string.IsNullOrEmpty(v.GetProperty("suggestion").GetString())));
    }

    [Fact]
    public void A_healthy_run_has_no_verdict_and_exit_code_0()
    {
        using var run = new ConstructedRun().Metrics(300, s => 2.3f / (1 + s / 20f), (_, _) => "0.5");
        var (code, output, _) = CliInvocation.Invoke("diagnose", run.Root);
        Assert.Equal(0, code);
        Assert.Contains("no verdict: 300 steps checked", output);
        Assert.Equal("""{"version":1,"verdicts":[]}""", CliInvocation.Invoke("diagnose", run.Root, "--json").Out.Trim());
    }

    [Fact]
    public void A_bad_run_is_one_line_and_exit_code_1()
    {
        using var temp = new TempDirectory();
        Assert.Contains("no such run folder", CliInvocation.AssertOneLineError(1, CliInvocation.Invoke("diagnose", temp["missing"])));
        Assert.Contains("no metrics.csv", CliInvocation.AssertOneLineError(1, CliInvocation.Invoke("diagnose", temp.Path)));
        File.WriteAllText(temp["metrics.csv"], "not,a,metrics,file\n");
        Assert.Contains("not a metrics file", CliInvocation.AssertOneLineError(1, CliInvocation.Invoke("diagnose", temp.Path, "--json")));
    }
}
