using ScottPlot;
using SkiaSharp;
using Stethoscope.Runs;

namespace Stethoscope.Imaging;

/// <summary>ScottPlot plots laid out on one sheet, row by row, and written as one PNG (atomically, so a reader
/// never sees half a picture).</summary>
public static class PlotSheet
{
    public static SKBitmap Render(IReadOnlyList<Plot> panels, int panelWidth, int panelHeight, int columns = 1)
    {
        var rows = (panels.Count + columns - 1) / columns;
        var sheet = new SKBitmap(panelWidth * Math.Min(columns, panels.Count), panelHeight * rows);
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(SKColors.White);
        for (var i = 0; i < panels.Count; i++)
        {
            using var panel = SKBitmap.Decode(panels[i].GetImageBytes(panelWidth, panelHeight, ImageFormat.Png));
            canvas.DrawBitmap(panel, i % columns * panelWidth, i / columns * panelHeight);
        }
        return sheet;
    }

    public static void SavePng(IReadOnlyList<Plot> panels, string path, int panelWidth, int panelHeight, int columns = 1)
    {
        using var sheet = Render(panels, panelWidth, panelHeight, columns);
        SavePng(sheet, path);
    }

    public static void SavePng(SKBitmap bitmap, string path)
    {
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.PrepareFolderFor(path);
        AtomicFile.Write(path, temporary => File.WriteAllBytes(temporary, png.ToArray()));
    }
}
