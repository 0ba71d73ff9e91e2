namespace Stethoscope.Tests.Build;

/// <summary>Where this repository lies, found from the test output folder upwards.</summary>
static class Repository
{
    public static string Root { get; } = Find();

    static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Stethoscope.slnx")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("the tests run outside the repository");
    }
}
