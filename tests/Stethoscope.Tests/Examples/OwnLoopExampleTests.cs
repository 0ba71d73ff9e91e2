using System.Text.Json;
using Stethoscope.Dashboard;
using Stethoscope.Probes;
using Stethoscope.Runs;
using Stethoscope.Tests.Build;
using Stethoscope.Training;
using static Stethoscope.Tests.Cli.CliInvocation;

namespace Stethoscope.Tests.Examples;

/// <summary>
/// <c>examples/OwnLoop</c> as a user meets it: built and run with <c>dotnet run</c> (it is not part of the solution),
/// on the packed Stethoscope library from a local feed, not the source tree, so a file the package lacks fails here;
/// then every run-folder command on what it left. The README's library section is that file's code.
/// </summary>
[Collection(LocalPackages.Collection)]
public class OwnLoopExampleTests(LocalPackages packages)
{
    static readonly string[] Weighted = ["stem.conv", "layer1.conv1", "layer1.conv2", "layer2.conv1", "layer2.conv2", "layer2.downsample.0", "fc"];

    static string Example => Path.Combine(Repository.Root, "examples", "OwnLoop");

    [Fact]
    public async Task The_example_builds_on_the_package_runs_and_leaves_a_run_folder_every_command_reads()
    {
        using var temp = new TempDirectory();
        // Its own build folders, and a package folder of its own that falls back on this test run's NuGet cache for
        // everything else (so nothing is downloaded, and the cache gets no test package). The output links libtorch's
        // files (1.5 GB for every platform) to the cache instead of copying them, which the build step must respect.
        var (code, output) = ChildProcess.Run("dotnet",
        [
            "run", "--project", Example, "-p:StethoscopeFrom=package", $"-p:StethoscopeFeed={packages.Feed}",
            $"-p:StethoscopeVersion={packages.ExampleVersion}", $"-p:RestorePackagesPath={temp["packages"]}",
            $"-p:RestoreFallbackFolders={LocalPackages.NuGetPackageRoot}", $"-p:BaseIntermediateOutputPath={temp["obj"]}/",
            $"-p:BaseOutputPath={temp["bin"]}/", "-p:CreateHardLinksForCopyLocalIfPossible=true", "--", temp["run"], "40",
        ], Repository.Root);
        Assert.True(code == 0, output);
        Assert.Contains("Completed after 40 steps", output);
        // The library and the build step that lets its native library load on Debian 12 came from the package alone.
        var assets = File.ReadAllText(temp["obj/project.assets.json"]);
        Assert.Contains($"\"Stethoscope/{packages.ExampleVersion}\"", assets);
        Assert.DoesNotContain("Stethoscope.csproj", assets);
        var imports = File.ReadAllText(temp["obj/OwnLoop.csproj.nuget.g.targets"]);
        Assert.Contains($"stethoscope/{packages.ExampleVersion}/buildTransitive/Stethoscope.targets", imports);
        var cached = Path.Combine(LocalPackages.NuGetPackageRoot, "torchsharp", typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(3), "runtimes/linux-x64/native/libLibTorchSharp.so");
        Assert.False(ElfVersionNeeds.IsWeak(File.ReadAllBytes(cached), "GLIBCXX_3.4.32"), "the NuGet cache's copy was changed");

        var folder = new RunFolder(temp["run"]);
        var metrics = MetricsCsv.Open(folder.MetricsCsv);
        Assert.Equal(Weighted.Select(w => GradientNormProbe.Prefix + w), metrics.ColumnsStartingWith(GradientNormProbe.Prefix));
        Assert.Equal(40, metrics.Rows().Count());
        Assert.Equal(RunStatus.Completed, RunManifest.Read(folder.RunJson).Status);

        Assert.Equal(0, Invoke("plot", folder.Root).Code);
        Assert.Equal(0, Invoke("sonify", folder.Root).Code);
        Assert.Equal(0, Invoke("report", folder.Root).Code);
        Assert.Equal(0, Invoke("compare", folder.Root, folder.Root, "--out", temp["compare"]).Code);
        // The run names the example's model class, so commands that need the model rebuild it from its assembly.
        var filters = Invoke("filters", folder.Root, "--layer", "layer1.conv2", "--out", temp["filters.png"]);
        Assert.Equal((0, ""), (filters.Code, filters.Error));
        Assert.Equal(0, Invoke("activations", folder.Root, "--sample", "0", "--layer", "layer2", "--out", temp["maps.png"]).Code);
        Assert.Equal(0, Invoke("erf", folder.Root, "--layer", "layer2", "--samples", "4", "--json").Code);
        Assert.True(File.Exists(Path.Combine(folder.Figures, "curves.png")) && File.Exists(temp["filters.png"]) && File.Exists(temp["maps.png"]));

        // The dashboard lists the run and replays its steps with every layer's norm.
        await using var server = await DashboardServer.StartAsync(new DashboardOptions(temp.Path, Port: 0, PollSeconds: 0.05));
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
        var runs = JsonDocument.Parse(await client.GetStringAsync("/api/runs")).RootElement;
        Assert.Equal(("run", "completed", 40), (runs[0].GetProperty("name").GetString(), runs[0].GetProperty("status").GetString(), runs[0].GetProperty("steps").GetInt32()));
        using var events = new StreamReader(await client.GetStreamAsync("/api/runs/run/events"));
        string? line;
        while ((line = await events.ReadLineAsync()) is not null && !line.StartsWith("data: ", StringComparison.Ordinal))
        {
        }
        var update = JsonDocument.Parse(line![6..]).RootElement;
        var columns = update.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToArray();
        Assert.Equal(Weighted.Select(w => GradientNormProbe.Prefix + w), columns.Where(c => c!.StartsWith(GradientNormProbe.Prefix, StringComparison.Ordinal)));
        // The stream starts at the newest step; the history before it is drawn from the envelope endpoint.
        Assert.Equal(40, update.GetProperty("rows")[0][0].GetInt32());
    }

    [Fact]
    public void The_readme_shows_the_example_s_own_loop_word_for_word()
    {
        var code = File.ReadAllLines(Path.Combine(Example, "Program.cs"));
        var first = Array.IndexOf(code, "// README:begin") + 1;
        var last = Array.IndexOf(code, "// README:end");
        Assert.True(first > 0 && last > first, "Program.cs marks the loop the README shows");
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        Assert.Contains(string.Join("\n", code[first..last]), readme);
    }
}
