using SkiaSharp;
using Stethoscope.Analysis;
using static TorchSharp.torch;

namespace Stethoscope.Imaging;

/// <summary>
/// Seed 000's two pictures of hypercolumns: the average over all features of each pixel (a heat map, scaled to its
/// own range), and the pixels' clusters painted over the grey image, one colour per cluster.
/// </summary>
public static class HypercolumnFigures
{
    static readonly SKColor[] Palette =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    /// <summary>The mean of the (features, H, W) hypercolumns per pixel, Inferno colours.</summary>
    public static SKBitmap Average(Tensor hypercolumns)
    {
        using var mean = hypercolumns.mean([0]);
        var values = FilterGrid.HostValues(mean);
        var (min, max) = GreyScale.Range(values);
        return Colormap.Inferno.Paint([.. values.Select(v => max > min ? (v - min) / (double)(max - min) : 0)], (int)mean.shape[0], (int)mean.shape[1]);
    }

    /// <summary>Cluster <c>labels[y·W + x]</c> of each pixel over the image shown in grey, half transparent.</summary>
    public static SKBitmap Clusters(Tensor shownImage, int[] labels)
    {
        int height = (int)shownImage.shape[1], width = (int)shownImage.shape[2];
        using var grey = shownImage.mean([0]);
        var levels = FilterGrid.HostValues(grey);
        var bitmap = new SKBitmap(width, height);
        for (var i = 0; i < labels.Length; i++)
        {
            var color = Palette[labels[i] % Palette.Length];
            var g = Math.Clamp(levels[i], 0, 1) * 255;
            byte Mix(byte c) => (byte)Math.Round(0.5 * c + 0.5 * g);
            bitmap.SetPixel(i % width, i / width, new SKColor(Mix(color.Red), Mix(color.Green), Mix(color.Blue)));
        }
        return bitmap;
    }

    public const string AverageName = "average.png";
    public const string ClustersName = "clusters.png";

    /// <summary>Writes <see cref="AverageName"/> and <see cref="ClustersName"/> into <paramref name="folder"/>, each
    /// enlarged to about 448 px and titled with what it shows; returns both paths.</summary>
    public static IReadOnlyList<string> SavePngs(string folder, Tensor hypercolumns, Tensor shownImage, KMeansResult clustering, string layers)
    {
        var clusters = clustering.Centroids.GetLength(0);
        var features = hypercolumns.shape[0];
        var average = Path.Combine(folder, AverageName);
        var clustered = Path.Combine(folder, ClustersName);
        using (var bitmap = Average(hypercolumns))
            SaveTitled(bitmap, $"mean of {features} features ({layers}) per pixel", average);
        using (var bitmap = Clusters(shownImage, clustering.Labels))
            SaveTitled(bitmap, $"k-means, {clusters} clusters of the pixels' {features}-feature hypercolumns", clustered);
        return [average, clustered];
    }

    /// <summary>The bitmap enlarged by a whole factor to about 448 px, with its title above.</summary>
    static void SaveTitled(SKBitmap bitmap, string title, string path)
    {
        var scale = Math.Max(1, 448 / Math.Max(bitmap.Width, bitmap.Height));
        using var sheet = new TileGrid(1, scale) { Title = title }.Render([new Tile(bitmap)]);
        PlotSheet.SavePng(sheet, path);
    }
}
