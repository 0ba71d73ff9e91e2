using SkiaSharp;

namespace Stethoscope.Imaging;

/// <summary>One tile of a <see cref="TileGrid"/>: an image and an optional caption under it.</summary>
public sealed record Tile(SKBitmap Image, string? Caption = null);

/// <summary>
/// Tiles (filters, feature maps, receptive fields) in rows and columns on a white sheet: every tile enlarged by
/// the same whole factor with nearest-neighbour sampling (so a 3x3 kernel stays nine crisp squares), a gap
/// between tiles, optional column headings above and row labels on the left.
/// </summary>
public sealed record TileGrid(int Columns, int Scale = 1, int Gap = 2)
{
    public IReadOnlyList<string>? ColumnHeadings { get; init; }

    public IReadOnlyList<string>? RowLabels { get; init; }

    public string? Title { get; init; }

    const float TextSize = 13;

    /// <summary>The near-square grid for <paramref name="count"/> tiles: ⌈√count⌉ columns.</summary>
    public static int NearSquareColumns(int count) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt(count)));

    public static int RowsFor(int count, int columns) => (count + columns - 1) / columns;

    public SKBitmap Render(IReadOnlyList<Tile> tiles)
    {
        if (tiles.Count == 0)
            throw new ArgumentException("a grid needs at least one tile", nameof(tiles));
        using var font = new SKFont(SKTypeface.Default, TextSize);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        int tileWidth = tiles.Max(t => t.Image.Width) * Scale, tileHeight = tiles.Max(t => t.Image.Height) * Scale;
        var captionHeight = tiles.Any(t => t.Caption is not null) ? (int)(TextSize * 1.5) : 0;
        var rows = RowsFor(tiles.Count, Columns);
        var left = RowLabels is null ? 0 : (int)RowLabels.Max(l => font.MeasureText(l)) + 8;
        var top = (Title is null ? 0 : (int)(TextSize * 2)) + (ColumnHeadings is null ? 0 : (int)(TextSize * 1.6));
        var cellWidth = tileWidth + Gap;
        var cellHeight = tileHeight + captionHeight + Gap;
        var titleWidth = Title is null ? 0 : (int)font.MeasureText(Title) + 4;
        var sheet = new SKBitmap(Math.Max(titleWidth, left + Columns * cellWidth - Gap), top + rows * cellHeight - Gap);
        using var canvas = new SKCanvas(sheet);
        canvas.Clear(SKColors.White);
        if (Title is not null)
            canvas.DrawText(Title, 2, TextSize * 1.3f, font, ink);
        for (var c = 0; c < Math.Min(Columns, ColumnHeadings?.Count ?? 0); c++)
            canvas.DrawText(ColumnHeadings![c], left + c * cellWidth + tileWidth / 2f, top - TextSize * 0.5f, SKTextAlign.Center, font, ink);
        for (var r = 0; r < Math.Min(rows, RowLabels?.Count ?? 0); r++)
            canvas.DrawText(RowLabels![r], 2, top + r * cellHeight + tileHeight / 2f + TextSize / 3, font, ink);
        using var sampling = new SKPaint { IsAntialias = false };
        for (var i = 0; i < tiles.Count; i++)
        {
            var (x, y) = (left + i % Columns * cellWidth, top + i / Columns * cellHeight);
            var image = tiles[i].Image;
            canvas.DrawBitmap(image, new SKRect(x, y, x + image.Width * Scale, y + image.Height * Scale), sampling);
            if (tiles[i].Caption is { } caption)
                canvas.DrawText(caption, x + tileWidth / 2f, y + tileHeight + TextSize * 1.1f, SKTextAlign.Center, font, ink);
        }
        return sheet;
    }
}
