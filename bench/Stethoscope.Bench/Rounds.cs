namespace Stethoscope.Bench;

/// <summary>Summaries of repeated timing rounds.</summary>
static class Rounds
{
    public static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
