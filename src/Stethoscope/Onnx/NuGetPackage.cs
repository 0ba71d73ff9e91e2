using System.Diagnostics;

namespace Stethoscope.Onnx;

/// <summary>
/// Downloads one NuGet package with the ordinary client: <c>dotnet restore</c> of a throw-away project whose only item
/// is a <c>PackageDownload</c>, into a folder of its own (the user's NuGet sources and credentials apply as for any
/// restore; the package's signature and hash are checked by NuGet).
/// </summary>
public static class NuGetPackage
{
    /// <summary>The folder holding the package's files once it is downloaded under <paramref name="folder"/>.</summary>
    public static string Download(string id, string version, string folder)
    {
        var project = Path.Combine(folder, "fetch.csproj");
        var packages = Path.Combine(folder, "packages");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <ImportDirectoryBuildProps>false</ImportDirectoryBuildProps>
                <ImportDirectoryPackagesProps>false</ImportDirectoryPackagesProps>
              </PropertyGroup>
              <ItemGroup>
                <PackageDownload Include="{id}" Version="[{version}]" />
              </ItemGroup>
            </Project>
            """);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { "restore", project, "--packages", packages, "--nologo" },
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new StethoscopeException($"cannot run 'dotnet' to fetch {id} {version} ({e.Message}); install the .NET SDK or put it on PATH");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var why = (output.Result + errors.Result).Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? $"exit code {process.ExitCode}";
                throw new StethoscopeException($"fetching NuGet package {id} {version} failed: {why}");
            }
        }
        var content = Path.Combine(packages, id.ToLowerInvariant(), version);
        return Directory.Exists(content) ? content : throw new StethoscopeException($"fetching NuGet package {id} {version} left no {content}");
    }
}
