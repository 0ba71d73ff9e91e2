using Stethoscope.Data;
using Stethoscope.Models;
using Stethoscope.Runs;
using Stethoscope.Sound;
using Stethoscope.Training;

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

    /// <summary>Starts a player whose <c>aplay</c> is a script that copies what it is fed to <paramref name="played"/>.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static LivePlayer StartRecordingPlayer(TempDirectory temp, string played, int channels)
    {
        var bin = Directory.CreateDirectory(temp["bin"]).FullName;
        var script = Path.Combine(bin, "aplay");
        File.WriteAllText(script, $"#!/bin/sh\nexec /bin/cat > '{played}'\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        LivePlayer? player = null;
        // PATH is changed only while the player starts: other tests start processes too.
        WithPath(bin, () => player = LivePlayer.TryStart(44100, channels, out _));
        Assert.NotNull(player);
        return player;
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Samples_reach_the_player_as_pcm16()
    {
        using var temp = new TempDirectory();
        using (var player = StartRecordingPlayer(temp, temp["played.raw"], 1))
            player.Enqueue([0.5f, -1f]);
        Assert.Equal([0x00, 0x40, 0x01, 0x80], File.ReadAllBytes(temp["played.raw"])); // 16384 and -32767, little-endian
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Disposing_twice_stops_the_player_once_and_ignores_later_samples()
    {
        using var temp = new TempDirectory();
        var player = StartRecordingPlayer(temp, temp["played.raw"], 1);
        player.Enqueue([0.5f]);
        player.Dispose();
        player.Dispose();
        player.Enqueue([-1f]);
        Assert.Equal([0x00, 0x40], File.ReadAllBytes(temp["played.raw"]));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_sound_recorder_with_a_player_ends_training_and_is_disposed_again_without_error()
    {
        // train --play: the recorder disposes itself (and its player) in OnTrainingEnd, then the command's using
        // disposes it again.
        using var temp = new TempDirectory();
        using var data = SyntheticBars.Create(32, 16, seed: 1);
        using var model = MnistNet.Recipe.Create(new ModelRequest(data.Train.Shape, data.Train.Classes), 0);
        var wavPath = temp["sound.wav"];
        using (var sounds = new SoundRecorder(new SoundSettings(wavPath), StartRecordingPlayer(temp, temp["played.raw"], 1)))
        {
            var options = new TrainingOptions { BatchSize = 16, MaxSteps = 2, Epochs = null, Device = DeviceChoice.Cpu };
            Assert.Equal(RunStatus.Completed, new Trainer(model, data, options, Trainer.StandardProbes, [sounds]).Run().Status);
        }
        var wav = File.ReadAllBytes(wavPath);
        Assert.Equal(44 + 2 * 2 * (4 * 441 + 882), wav.Length); // two steps of four layers, PCM16 mono
        Assert.Equal(wav[44..], File.ReadAllBytes(temp["played.raw"])); // the speaker heard every sample of the file
    }
}
