using System.Diagnostics;
using Microsoft.Playwright;

namespace Stethoscope.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright (which cannot download its own browser here): installed with apt-get
/// where missing, launched headless without a sandbox. Screenshots go to <c>screenshots/</c> beside the tests.
/// </summary>
sealed class Browser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    readonly IPlaywright playwright;

    Browser(IPlaywright playwright, IBrowser chromium)
    {
        this.playwright = playwright;
        Instance = chromium;
    }

    public IBrowser Instance { get; }

    public static string Screenshots => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<Browser> LaunchAsync()
    {
        EnsureChromium();
        var playwright = await Playwright.CreateAsync();
        var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
        });
        return new Browser(playwright, chromium);
    }

    static void EnsureChromium()
    {
        if (File.Exists(Chromium))
            return;
        using var apt = Process.Start(new ProcessStartInfo("apt-get", "install -y chromium") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        apt.StandardOutput.ReadToEnd();
        var error = apt.StandardError.ReadToEnd();
        apt.WaitForExit();
        Assert.True(File.Exists(Chromium), $"Chromium is missing and 'apt-get install -y chromium' failed: {error}");
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        playwright.Dispose();
    }
}
