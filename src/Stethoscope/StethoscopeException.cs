namespace Stethoscope;

/// <summary>
/// A problem the user can fix (a wrong option, a corrupt file, an unknown layer name). Its message is a
/// single line meant to be shown as it is, without a stack trace.
/// </summary>
public class StethoscopeException(string message) : Exception(message);
