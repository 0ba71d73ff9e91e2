namespace Stethoscope.Imaging;

/// <summary>Splits a line where its values stop being drawable, so NaN, infinity (and on log scales zero) leave gaps instead of being bridged.</summary>
public static class LineSegments
{
    public static IEnumerable<(double[] Xs, double[] Ys)> Drawable(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var start = -1;
        for (var i = 0; i <= ys.Count; i++)
        {
            var drawable = i < ys.Count && double.IsFinite(ys[i]);
            if (drawable && start < 0)
                start = i;
            if (drawable || start < 0)
                continue;
            yield return ([.. Enumerable.Range(start, i - start).Select(j => xs[j])], [.. Enumerable.Range(start, i - start).Select(j => ys[j])]);
            start = -1;
        }
    }
}
