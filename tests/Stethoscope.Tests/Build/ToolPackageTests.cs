using System.IO.Compression;
using System.Xml.Linq;
using Stethoscope.Runs;
using Stethoscope.Training;

namespace Stethoscope.Tests.Build;

/// <summary>
/// The packages of build/install-tool.sh, and the <c>stethoscope</c> command it installs, run from a folder outside
/// the repository as a user runs it.
/// </summary>
[Collection(LocalPackages.Collection)]
public class ToolPackageTests(LocalPackages packages)
{
    [Fact]
    public void The_installed_command_prints_its_help_from_any_folder()
    {
        var (code, output) = ChildProcess.Run(packages.Tool, ["--help"], packages.NewFolder());
        Assert.True(code == 0, output);
        Assert.Contains("stethoscope [command] [options]", output);
        Assert.Contains("demo", output);
    }

    [Fact]
    public void The_installed_command_runs_the_demo_from_any_folder_on_the_digits_it_carries()
    {
        var folder = packages.NewFolder();
        var (code, output) = ChildProcess.Run(packages.Tool, ["demo", "--max-steps", "5", "--out", "run"], folder);
        Assert.True(code == 0, output);
        var run = new RunFolder(Path.Combine(folder, "run"));
        Assert.Contains("completed", output);
        Assert.True(File.Exists(Path.Combine(run.Root, "index.html")), output);
        Assert.Equal(RunStatus.Completed, RunManifest.Read(run.RunJson).Status);
        Assert.Equal(6, File.ReadAllLines(run.MetricsCsv).Length);
        Assert.True(File.Exists(Path.Combine(run.Figures, "curves.png")), output);
    }

    [Fact]
    public void The_tool_package_holds_the_native_library_with_the_glibcxx_need_made_weak_for_any_machine()
    {
        using var tool = ZipFile.OpenRead(Path.Combine(packages.Feed, $"Stethoscope.Cli.linux-x64.{LocalPackages.Version}.nupkg"));
        var entry = tool.Entries.Single(e => e.Name == "libLibTorchSharp.so");
        using var bytes = new MemoryStream();
        using (var stream = entry.Open())
            stream.CopyTo(bytes);
        Assert.True(ElfVersionNeeds.IsWeak(bytes.ToArray(), "GLIBCXX_3.4.32"));
        Assert.Contains(tool.Entries, e => e.FullName == "tools/net10.0/linux-x64/data/mnist/train-images-idx3-ubyte.gz");
    }

    [Fact]
    public void The_library_package_leaves_libtorch_to_the_application_and_brings_its_build_step_and_the_digits()
    {
        using var library = ZipFile.OpenRead(Path.Combine(packages.Feed, $"Stethoscope.{LocalPackages.Version}.nupkg"));
        Assert.Contains("TorchSharp", Dependencies(library));
        Assert.DoesNotContain(Dependencies(library), d => d.StartsWith("TorchSharp-", StringComparison.Ordinal) || d.StartsWith("libtorch", StringComparison.Ordinal));
        var files = library.Entries.Select(e => e.FullName).ToHashSet();
        string[] expected =
        [
            "lib/net10.0/Stethoscope.dll", "buildTransitive/Stethoscope.targets", "buildTransitive/WeakenGlibcxxNeed.targets",
            "buildTransitive/WeakenMissingGlibcxxNeed.cs", "data/NOTICE", "data/mnist/train-images-idx3-ubyte.gz",
            "data/mnist/train-labels-idx1-ubyte.gz", "data/mnist/t10k-images-idx3-ubyte.gz", "data/mnist/t10k-labels-idx1-ubyte.gz",
        ];
        Assert.All(expected, f => Assert.Contains(f, files));
    }

    [Fact]
    public void The_dashboard_package_depends_on_the_library_of_the_same_version_and_on_asp_net_core()
    {
        using var dashboard = ZipFile.OpenRead(Path.Combine(packages.Feed, $"Stethoscope.Dashboard.{LocalPackages.Version}.nupkg"));
        var nuspec = Nuspec(dashboard);
        var library = nuspec.Descendants().Single(e => e.Name.LocalName == "dependency" && (string?)e.Attribute("id") == "Stethoscope");
        Assert.Equal(LocalPackages.Version, (string?)library.Attribute("version"));
        Assert.Contains(nuspec.Descendants(), e => e.Name.LocalName == "frameworkReference" && (string?)e.Attribute("name") == "Microsoft.AspNetCore.App");
    }

    static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    static IEnumerable<string> Dependencies(ZipArchive package) =>
        Nuspec(package).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
}
