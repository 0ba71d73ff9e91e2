using System.Xml.Linq;

namespace Stethoscope.Tests.Build;

/// <summary>
/// The library references TorchSharp without a libtorch, so every program in the repository must choose one: a bench
/// or tool without it builds and then aborts at its first tensor.
/// </summary>
public class ProgramBackendTests
{
    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (var folder in new[] { "src", "bench", "tools", "examples" })
            foreach (var project in Directory.GetFiles(Path.Combine(Repository.Root, folder), "*.csproj", SearchOption.AllDirectories))
                if (IsProgram(XDocument.Load(project)))
                    data.Add(Path.GetRelativePath(Repository.Root, project));
        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_program_references_a_libtorch_backend(string project)
    {
        var references = XDocument.Load(Path.Combine(Repository.Root, project)).Descendants("PackageReference")
            .Select(r => (string?)r.Attribute("Include"));
        Assert.Contains(references, r => r is "TorchSharp-cpu" or "TorchSharp-cuda-linux" or "TorchSharp-cuda-windows");
    }

    static bool IsProgram(XDocument project) =>
        project.Descendants("OutputType").Any(o => o.Value == "Exe")
        && project.Descendants("ProjectReference").Any(r => ((string?)r.Attribute("Include"))?.Contains("Stethoscope") == true);
}
