using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>One run as the dashboard lists it.</summary>
public sealed record RunEntry(string Name, string Status, long Steps, string Model, DateTimeOffset Started);

/// <summary>
/// The run folders directly under the runs folder, found by their run.json. Names come from the URL, so a name is
/// accepted only if it is one folder name (no separators, no <c>..</c>) that exists here.
/// </summary>
public sealed class RunCatalog(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public IReadOnlyList<RunEntry> List()
    {
        if (!Directory.Exists(Root))
            return [];
        var entries = new List<RunEntry>();
        foreach (var directory in Directory.EnumerateDirectories(Root))
        {
            var folder = new RunFolder(directory);
            if (!File.Exists(folder.RunJson))
                continue;
            try
            {
                var m = RunManifest.Read(folder.RunJson);
                entries.Add(new RunEntry(Path.GetFileName(directory), m.Status.ToString().ToLowerInvariant(), m.Steps, m.Config.Model, m.Started));
            }
            catch (StethoscopeException)
            {
                // A run.json being replaced this instant or broken: leave it out of this listing.
            }
        }
        return [.. entries.OrderByDescending(e => e.Started)];
    }

    /// <summary>The run folder called <paramref name="name"/>, or null when the name is not a run here.</summary>
    public RunFolder? Find(string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0)
            return null;
        var folder = new RunFolder(Path.Combine(Root, name));
        return File.Exists(folder.RunJson) ? folder : null;
    }

    /// <summary>The file <paramref name="relative"/> (still URL-escaped) inside run <paramref name="name"/>, or null
    /// when it is missing or would leave the run folder (<c>..</c>, <c>%2f</c> tricks, absolute paths, links out).</summary>
    public string? FileIn(string name, string relative)
    {
        if (Find(name) is not { } run)
            return null;
        var decoded = Uri.UnescapeDataString(relative).Replace('\\', '/');
        if (decoded.Split('/').Any(part => part is ".." or "." ) || Path.IsPathRooted(decoded))
            return null;
        var full = Path.GetFullPath(Path.Combine(run.Root, decoded));
        if (!full.StartsWith(run.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(full))
            return null;
        var resolved = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        return resolved.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }
}
