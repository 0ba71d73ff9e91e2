using Microsoft.Playwright;

namespace Stethoscope.Tests.Dashboard;

/// <summary>
/// Debian's Chromium driven by Playwright (which cannot download its own browser here), launched headless without a
/// sandbox. The test project installs it before it builds where it is missing (<c>build/install-chromium.sh</c>).
/// Screenshots go to <c>screenshots/</c> beside the tests.
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
            // On this closed network Chromium's background connections (updates, sync, QUIC, first-run checks) are
            // refused many at a time; these flags keep it from trying.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new Browser(playwright, chromium);
    }

    // Installing belongs to the build (the test project's InstallChromiumForBrowserTests target), not to a test.
    static void EnsureChromium() =>
        Assert.True(File.Exists(Chromium),
            $"{Chromium} is missing: the test project installs it before it builds (build/install-chromium.sh); run `dotnet test` as root or with passwordless sudo, or install the Debian package chromium");

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        playwright.Dispose();
    }
}
