using System.Reflection;
using Stethoscope.Runs;

namespace Stethoscope.Tests.Build;

/// <summary>
/// The packages as a user gets them, made once for the tests of one collection: the README's build/install-tool.sh
/// packs the library, the dashboard and the tool from this test run's build into a temporary feed and installs the
/// tool into a temporary folder. The library is packed once more under a version of its own, which no NuGet cache can
/// already hold, for the example to build on (OwnLoopExampleTests).
/// </summary>
public sealed class LocalPackages : IDisposable
{
    public const string Collection = "local packages";

    readonly TempDirectory temp = new();

    public LocalPackages()
    {
        try
        {
            Run("bash", Path.Combine(Repository.Root, "build", "install-tool.sh"), "--configuration", Configuration, "--feed", Feed, "--tool-path", temp["tools"]);
            Run("dotnet", "pack", Path.Combine(Repository.Root, "src", "Stethoscope"), "--no-build", "-c", Configuration, "-o", Feed, $"-p:PackageVersion={ExampleVersion}");
        }
        catch
        {
            temp.Dispose();
            throw;
        }
    }

    /// <summary>The version the repository builds (Directory.Build.props).</summary>
    public static string Version { get; } = typeof(RunFolder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>Debug or Release: the packages are made from what this test run built.</summary>
    public static string Configuration { get; } = typeof(LocalPackages).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The NuGet cache this test run restored into (the test project records it).</summary>
    public static string NuGetPackageRoot { get; } = typeof(LocalPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;

    public string Feed => temp["feed"];

    /// <summary>The installed <c>stethoscope</c> command.</summary>
    public string Tool => temp["tools/stethoscope"];

    public string ExampleVersion { get; } = $"{Version}-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    /// <summary>A folder for one test's files, deleted with the rest.</summary>
    public string NewFolder() => Directory.CreateDirectory(temp[Guid.NewGuid().ToString("N")]).FullName;

    static void Run(string program, params string[] args)
    {
        var (code, output) = ChildProcess.Run(program, args, Repository.Root);
        if (code != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({code}):\n{output}");
    }

    public void Dispose() => temp.Dispose();
}

[CollectionDefinition(LocalPackages.Collection)]
public class LocalPackagesCollection : ICollectionFixture<LocalPackages>;
