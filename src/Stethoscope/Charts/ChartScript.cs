namespace Stethoscope.Charts;

/// <summary>
/// <c>chart.js</c>, the one chart script of the report and the dashboard: axes and ticks, envelopes (<see cref="SeriesEnvelope"/>)
/// with their NaN marks, percentile bands, heat maps, hover values, zoom, the sound's cursor and its pitch. The
/// dashboard serves it; the report embeds it, so that the report works from the file system and fetches nothing.
/// </summary>
public static class ChartScript
{
    public const string FileName = "chart.js";

    public static string Source { get; } = Load();

    /// <summary>The script as a page embeds it inline.</summary>
    public static string ScriptElement => $"<script>{Source.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)}</script>";

    static string Load()
    {
        using var stream = typeof(ChartScript).Assembly.GetManifestResourceStream("Stethoscope.Charts." + FileName)
            ?? throw new InvalidOperationException($"{FileName} is not embedded in the library");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
