namespace Stethoscope.Data;

/// <summary>
/// The folder where <c>stethoscope data get</c> keeps fetched data sets, one subfolder per set: the user's cache,
/// never the repository. <c>STETHOSCOPE_DATA_CACHE</c> overrides it; otherwise <c>$XDG_CACHE_HOME/stethoscope/data</c>,
/// or <c>~/.cache/stethoscope/data</c> where XDG_CACHE_HOME is unset, as the XDG base directory specification says.
/// </summary>
public sealed record DataCache(string Root)
{
    /// <summary>The environment variable that moves the cache (tests point it at a temporary folder).</summary>
    public const string Variable = "STETHOSCOPE_DATA_CACHE";

    /// <summary>The cache this process uses, read from the environment at each call.</summary>
    public static DataCache Default => new(RootFrom(Environment.GetEnvironmentVariable));

    /// <summary>The folder of one data set.</summary>
    public string FolderOf(CachedDataset dataset) => Path.Combine(Root, dataset.Name);

    /// <summary>The cache root for an environment (<paramref name="variable"/> reads one variable); relative values are ignored, as XDG requires.</summary>
    public static string RootFrom(Func<string, string?> variable)
    {
        if (variable(Variable) is { Length: > 0 } own)
            return Path.GetFullPath(own);
        if (variable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "stethoscope", "data");
        var home = variable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "stethoscope", "data");
    }
}
