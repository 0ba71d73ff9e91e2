namespace Stethoscope.Data;

/// <summary>A data set that is not in the data cache, or whose cached copy is incomplete or damaged; the message says how to fix it.</summary>
public sealed class DataCacheException(string message) : StethoscopeException(message);
