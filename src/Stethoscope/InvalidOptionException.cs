namespace Stethoscope;

/// <summary>
/// A value the user gave that is outside what its option accepts (a range, a format, a combination of options):
/// the command line answers it with exit code 2, while a bad file or an unknown name stays a plain
/// <see cref="StethoscopeException"/> with exit code 1.
/// </summary>
public class InvalidOptionException(string message) : StethoscopeException(message);
