using System.Globalization;
using Stethoscope.Probes;
using Stethoscope.Runs;

namespace Stethoscope.Dashboard;

/// <summary>
/// <c>weights/distributions.csv</c> as percentile bands: for each layer and tensor (weight, gradient) the values at
/// <see cref="LayerDistribution.BandPercentiles"/> (TensorBoard's distribution view), read from the bucket counts, and
/// the weights' update ratio. One row per sampled step, whatever the number of layers.
/// </summary>
sealed class DistributionRows : IRowFormat
{
    /// <summary>The layers in the order the file names them.</summary>
    public List<string> Layers { get; } = [];

    /// <summary>The column of band <paramref name="band"/> (an index into <see cref="LayerDistribution.BandPercentiles"/>).</summary>
    public static string Band(string tensor, string layer, int band) => string.Create(CultureInfo.InvariantCulture, $"{tensor}/{layer}/p{LayerDistribution.BandPercentiles[band]}");

    public static string UpdateRatio(string layer) => $"update_ratio/{layer}";

    public bool Accepts(string[] header) => header.SequenceEqual(DistributionLog.Columns);

    public void Apply(string[] header, ReadOnlySpan<char> line, ReadOnlySpan<Range> ranges, SeriesTable table)
    {
        var cells = new string[ranges.Length];
        for (var i = 0; i < cells.Length; i++)
            cells[i] = line[ranges[i]].ToString();
        var step = long.Parse(cells[0], CultureInfo.InvariantCulture);
        var (layer, tensor) = (cells[1], cells[2]);
        if (!Layers.Contains(layer))
            Layers.Add(layer);
        float Cell(int i) => SeriesTable.Number(cells[i]);
        var buckets = Enumerable.Range(9, DistributionProbe.Buckets).Select(Cell).ToArray();
        var kind = tensor == DistributionProbe.Kind(TensorKind.Gradient) ? TensorKind.Gradient : TensorKind.Weight;
        var distribution = new LayerDistribution(layer, kind, Cell(3), Cell(4), Cell(5), Cell(6), Cell(7), null, buckets);
        for (var b = 0; b < LayerDistribution.BandPercentiles.Count; b++)
            table.Set(step, Band(tensor, layer, b), (float)distribution.Percentile(LayerDistribution.BandPercentiles[b]));
        if (cells[8].Length > 0)
            table.Set(step, UpdateRatio(layer), Cell(8));
    }
}
