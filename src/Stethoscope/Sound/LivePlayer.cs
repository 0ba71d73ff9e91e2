using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading.Channels;

namespace Stethoscope.Sound;

/// <summary>
/// Plays a sound while it is made by piping PCM16 into an audio player found on the PATH (<c>aplay</c> from
/// alsa-utils, or PulseAudio's <c>paplay</c>). Training makes sound faster than real time, so the player is fed
/// through a small bounded queue that drops the oldest audio when full: what you hear stays close to the current
/// step and training never waits for the speaker. When the player dies (no sound device), playing stops quietly
/// and <see cref="Problem"/> says why.
/// </summary>
public sealed class LivePlayer : IDisposable
{
    static readonly (string Program, Func<int, int, string> Arguments)[] Players =
    [
        ("aplay", (rate, channels) => $"-q -t raw -f S16_LE -r {rate} -c {channels} -"),
        ("paplay", (rate, channels) => $"--raw --format=s16le --rate={rate} --channels={channels}"),
    ];

    readonly Process process;
    readonly Channel<byte[]> queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(32) { FullMode = BoundedChannelFullMode.DropOldest });
    readonly Task pump;
    bool disposed;

    LivePlayer(Process process, string program)
    {
        this.process = process;
        Program = program;
        pump = Task.Run(PumpAsync);
    }

    public string Program { get; }

    /// <summary>Why playback stopped early, or null while it plays.</summary>
    public string? Problem { get; private set; }

    /// <summary>Starts the first player found, or returns null with the reason in <paramref name="problem"/>.</summary>
    public static LivePlayer? TryStart(int sampleRate, int channels, out string? problem)
    {
        foreach (var (program, arguments) in Players)
        {
            if (FindOnPath(program) is not { } path)
                continue;
            var start = new ProcessStartInfo(path, arguments(sampleRate, channels))
            {
                RedirectStandardInput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            try
            {
                problem = null;
                return new LivePlayer(Process.Start(start)!, program);
            }
            catch (Win32Exception e)
            {
                problem = $"{program} could not start: {e.Message}";
                return null;
            }
        }
        problem = "no audio player found on the PATH (install alsa-utils for aplay, or pulseaudio-utils for paplay)";
        return null;
    }

    /// <summary>Queues interleaved samples for playing; never blocks.</summary>
    public void Enqueue(ReadOnlySpan<float> samples)
    {
        if (Problem is not null || disposed)
            return;
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), WavWriter.ToPcm16(samples[i]));
        queue.Writer.TryWrite(bytes);
    }

    /// <summary>Lets the player finish what it was given, then stops it; later calls do nothing (a recorder that owns
    /// the player disposes it when training ends, and its own owner's <c>using</c> disposes it again).</summary>
    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        queue.Writer.TryComplete();
        pump.Wait(TimeSpan.FromSeconds(2));
        // The player still holds up to a pipe's worth of sound (under a second); let it finish, then stop it.
        if (!process.WaitForExit(TimeSpan.FromSeconds(2)))
            process.Kill();
        process.Dispose();
    }

    async Task PumpAsync()
    {
        var input = process.StandardInput.BaseStream;
        try
        {
            await foreach (var chunk in queue.Reader.ReadAllAsync())
                await input.WriteAsync(chunk);
            input.Close();
        }
        catch (IOException)
        {
            var error = await process.StandardError.ReadToEndAsync();
            Problem = $"{Program} stopped: {FirstLine(error) ?? "its input closed"}";
        }
    }

    static string? FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
