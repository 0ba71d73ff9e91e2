using Stethoscope.Runs;

namespace Stethoscope.Tests.Runs;

/// <summary>Outputs that cannot destroy or half-exist (issue 20): the destination checks, a full disk, two writers.</summary>
public class OutputSafetyTests
{
    [Fact]
    public void A_full_disk_is_one_line_naming_the_path_and_leaves_no_partial_file()
    {
        using var temp = new TempDirectory();
        var path = temp["out.png"];
        // The write fails as .NET reports ENOSPC (errno 28 in the HResult), the way a full tmpfs would.
        var e = Assert.Throws<OutputException>(() => AtomicFile.Write(path, t => { File.WriteAllText(t, "half"); throw new IOException("No space left on device", 28); }));
        Assert.Equal($"cannot write {path}: disk full (no space left on device)", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void A_directory_destination_is_refused_before_anything_is_written()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["out.png"]);
        var written = false;
        var e = Assert.Throws<OutputException>(() => AtomicFile.Write(temp["out.png"], _ => written = true));
        Assert.Equal($"{temp["out.png"]}: is a directory, not a regular file; give a file path to write", e.Message);
        Assert.False(written);
    }

    [Fact]
    public void A_second_writer_of_one_run_folder_gets_one_line_until_the_first_releases_it()
    {
        using var temp = new TempDirectory();
        var first = RunFolder.Create(temp["run"]);
        var e = Assert.Throws<OutputException>(() => RunFolder.Create(temp["run"]));
        Assert.Equal($"{temp["run"]}: another process is writing a run there; choose another --out", e.Message);
        first.Release();
        RunFolder.Create(temp["run"]).Release();
        Assert.False(File.Exists(first.LockFile));
    }
}
