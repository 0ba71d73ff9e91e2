using System.CommandLine;
using Spectre.Console;
using Stethoscope.Cli.Output;
using Stethoscope.Dashboard;
using Stethoscope.Runs;

namespace Stethoscope.Cli.Commands;

/// <summary><c>stethoscope dashboard [--runs runs/] [--port 5117] [--host 127.0.0.1]</c>: the live page, until Ctrl-C.</summary>
public static class DashboardCommand
{
    /// <summary>The options <c>dashboard</c> and <c>train --dashboard</c> share.</summary>
    public sealed class Options
    {
        public Option<int> Port { get; } = new("--port") { Description = "port to serve on (0: any free one)", DefaultValueFactory = _ => 5117 };

        public Option<string> Host { get; } = new("--host") { Description = "address to bind; anything but 127.0.0.1 exposes your runs to the network", DefaultValueFactory = _ => DashboardOptions.Loopback };

        public void AddTo(Command command)
        {
            command.Options.Add(Port);
            command.Options.Add(Host);
        }
    }

    public static Command Create(Terminal terminal)
    {
        var runs = new Option<string>("--runs") { Description = "folder that holds run folders", DefaultValueFactory = _ => "runs" };
        var connections = new Option<int>("--max-connections") { Description = "live streams served at once", DefaultValueFactory = _ => 16 };
        var options = new Options();
        var command = new Command("dashboard", "Serve the live dashboard: runs, curves and gradient norms as they train, and their sound in the browser.") { runs, connections };
        options.AddTo(command);
        command.SetAction(r => StethoscopeCommand.Guard(terminal, () =>
        {
            var settings = new DashboardOptions(r.GetValue(runs)!, r.GetValue(options.Host)!, r.GetValue(options.Port), r.GetValue(connections));
            _ = settings.Validate();
            // A mistyped --runs would otherwise serve an empty list forever.
            if (FileEntry.Of(settings.Runs.Length == 0 ? "." : settings.Runs).Kind is FileKind.Regular or FileKind.Special)
                throw new StethoscopeException($"--runs {settings.Runs}: not a folder");
            if (settings.Runs.Length == 0 || !Directory.Exists(settings.Runs))
                throw new StethoscopeException($"--runs {settings.Runs}: no such folder (give the folder that holds your run folders)");
            using var interrupt = new InterruptSignal();
            using var server = Start(settings, terminal);
            ServeUntilInterrupted(server, terminal, null, interrupt.Token);
            return 0;
        }));
        return command;
    }

    /// <summary>Serves until <paramref name="interrupt"/> fires (Ctrl-C), first saying so when <paramref name="what"/> is given.</summary>
    public static void ServeUntilInterrupted(DashboardServer server, Terminal terminal, string? what, CancellationToken interrupt)
    {
        if (what is not null)
            terminal.Out.MarkupLineInterpolated($"dashboard: {what} at {server.Address} until Ctrl-C");
        try
        {
            server.WaitForShutdownAsync(interrupt).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: stop serving.
        }
    }

    /// <summary>Starts the server, warning when it is reachable from other machines, and prints its address.</summary>
    public static DashboardServer Start(DashboardOptions settings, Terminal terminal)
    {
        if (!settings.IsLoopback)
            terminal.Error.MarkupLineInterpolated($"[yellow]warning:[/] --host {settings.Host}: the dashboard and every file of your runs can be read from other machines");
        var server = DashboardServer.StartAsync(settings).GetAwaiter().GetResult();
        terminal.Out.MarkupLineInterpolated($"dashboard: {server.Address} (runs from {Path.GetFullPath(settings.Runs)})");
        return server;
    }
}
