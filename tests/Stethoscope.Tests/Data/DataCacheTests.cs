using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

public class DataCacheTests
{
    static string RootFrom(params (string Name, string Value)[] environment) =>
        DataCache.RootFrom(name => environment.FirstOrDefault(e => e.Name == name).Value);

    [Fact]
    public void The_cache_is_the_users_by_the_xdg_rules_and_the_variable_overrides_it()
    {
        Assert.Equal("/home/a/.cache/stethoscope/data", RootFrom(("HOME", "/home/a")));
        Assert.Equal("/var/cache/a/stethoscope/data", RootFrom(("HOME", "/home/a"), ("XDG_CACHE_HOME", "/var/cache/a")));
        // XDG: a relative path is invalid and ignored.
        Assert.Equal("/home/a/.cache/stethoscope/data", RootFrom(("HOME", "/home/a"), ("XDG_CACHE_HOME", "cache")));
        Assert.Equal("/data/sets", RootFrom(("HOME", "/home/a"), ("XDG_CACHE_HOME", "/var/cache/a"), (DataCache.Variable, "/data/sets")));
        Assert.Equal(Path.Combine("/c", "fashion-mnist"), new DataCache("/c").FolderOf(CachedDatasets.FashionMnist));
    }
}
