namespace Stethoscope.Training;

/// <summary>How a training run ended (run.json's <c>status</c>).</summary>
public enum RunStatus
{
    Running,
    Completed,

    /// <summary>A loss or gradient became NaN or infinite.</summary>
    Diverged,

    /// <summary>Stopped by Ctrl-C, SIGTERM or a cancellation token; everything up to the last whole step is written.</summary>
    Interrupted,

    /// <summary>An error (out of memory, a broken device) ended it; run.json holds the message.</summary>
    Failed,
}
