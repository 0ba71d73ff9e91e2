using System.Runtime.InteropServices;

namespace Stethoscope.Cli.Output;

/// <summary>Turns Ctrl-C and SIGTERM into a cancellation, so a long command stops between steps and leaves valid files.</summary>
public sealed class InterruptSignal : IDisposable
{
    readonly CancellationTokenSource source;
    readonly ConsoleCancelEventHandler onCtrlC;
    readonly PosixSignalRegistration onSigterm;

    public InterruptSignal(CancellationToken outer = default)
    {
        source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        onCtrlC = (_, e) => { e.Cancel = true; source.Cancel(); };
        Console.CancelKeyPress += onCtrlC;
        onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; source.Cancel(); });
    }

    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= onCtrlC;
        onSigterm.Dispose();
        source.Dispose();
    }
}
