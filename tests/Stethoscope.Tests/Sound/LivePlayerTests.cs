using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

public class LivePlayerTests
{
    static void WithPath(string path, Action body)
    {
        var saved = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", path);
        try
        {
            body();
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", saved);
        }
    }

    [Fact]
    public void Without_a_player_on_the_path_it_says_what_to_install()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["empty"]);
        WithPath(temp["empty"], () =>
        {
            Assert.Null(LivePlayer.TryStart(44100, 1, out var problem));
            Assert.Contains("aplay", problem);
        });
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Samples_reach_the_player_as_pcm16()
    {
        using var temp = new TempDirectory();
        var bin = Directory.CreateDirectory(temp["bin"]).FullName;
        var played = temp["played.raw"];
        var script = Path.Combine(bin, "aplay");
        File.WriteAllText(script, $"#!/bin/sh\nexec /bin/cat > '{played}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        WithPath(bin, () =>
        {
            using var player = LivePlayer.TryStart(44100, 1, out var problem);
            Assert.NotNull(player);
            player.Enqueue([0.5f, -1f]);
        });
        Assert.Equal([0x00, 0x40, 0x01, 0x80], File.ReadAllBytes(played)); // 16384 and -32767, little-endian
    }
}
