using TorchSharp;
using static TorchSharp.torch;

namespace Stethoscope.Analysis;

/// <summary>How to cluster: k, restarts (the best inertia wins), the iteration cap, the centroid-shift tolerance and the seed.</summary>
public sealed record KMeansSettings(int Clusters = 2, int Restarts = 4, int MaxIterations = 100, double Tolerance = 1e-4, long Seed = 0);

/// <summary>A clustering: each point's cluster, the centroids (k, D), the inertia (sum of squared distances to the
/// nearest centroid) and the iterations the best restart took.</summary>
public sealed record KMeansResult(int[] Labels, float[,] Centroids, double Inertia, int Iterations);

/// <summary>
/// k-means on tensors, as scikit-learn's <c>KMeans</c> does it (which seed 000 uses): k-means++ starts, Lloyd
/// iterations until the centroids move less than the tolerance (relative to the data's variance), several restarts
/// keeping the lowest inertia, all seeded. Distances and updates run on the points' device (CUDA when they are there).
/// </summary>
public static class KMeans
{
    public static KMeansResult Fit(Tensor points, KMeansSettings settings)
    {
        if (points.dim() != 2)
            throw new StethoscopeException($"k-means needs points as (N, D); got [{string.Join("x", points.shape)}]");
        var n = points.shape[0];
        if (settings.Clusters < 1 || settings.Clusters > n)
            throw new InvalidOptionException($"k must be between 1 and the number of points ({n}); got {settings.Clusters}");
        if (settings.Restarts < 1 || settings.MaxIterations < 1)
            throw new InvalidOptionException("k-means needs at least one restart and one iteration");
        using var scope = NewDisposeScope();
        var x = points.to(float32).contiguous();
        var squaredNorms = x.pow(2).sum(1);
        var tolerance = settings.Tolerance * x.var(dim: 0).mean().item<float>();
        (Tensor Labels, Tensor Centroids, double Inertia, int Iterations)? best = null;
        for (var restart = 0; restart < settings.Restarts; restart++)
        {
            using var generator = new Generator((ulong)(settings.Seed * 7919 + restart));
            var run = Lloyd(x, squaredNorms, PlusPlus(x, squaredNorms, settings.Clusters, generator), settings.MaxIterations, tolerance);
            if (best is null || run.Inertia < best.Value.Inertia)
                best = run;
        }
        var (labels, centroids, inertia, iterations) = best!.Value;
        var labelArray = labels.to(int32).cpu().data<int>().ToArray();
        var centroidValues = centroids.cpu().data<float>().ToArray();
        var grid = new float[settings.Clusters, x.shape[1]];
        Buffer.BlockCopy(centroidValues, 0, grid, 0, centroidValues.Length * sizeof(float));
        return new KMeansResult(labelArray, grid, inertia, iterations);
    }

    /// <summary>Squared distances (N, k) by ‖x‖² − 2x·c + ‖c‖², clamped at zero against rounding.</summary>
    static Tensor Distances(Tensor x, Tensor squaredNorms, Tensor centroids) =>
        (squaredNorms.unsqueeze(1) - 2 * x.matmul(centroids.t()) + centroids.pow(2).sum(1).unsqueeze(0)).clamp_min(0);

    /// <summary>k-means++ (Arthur and Vassilvitskii 2007): the first centre uniformly, each next one with probability
    /// proportional to the squared distance to the nearest centre chosen so far.</summary>
    static Tensor PlusPlus(Tensor x, Tensor squaredNorms, int k, Generator generator)
    {
        var n = x.shape[0];
        var first = randint(n, [1], generator: generator).to(x.device);
        var centroids = x.index_select(0, first);
        for (var c = 1; c < k; c++)
        {
            var nearest = Distances(x, squaredNorms, centroids).min(1).values;
            var weights = nearest.sum().item<float>() > 0 ? nearest : ones_like(nearest);
            var next = multinomial(weights.cpu(), 1, generator: generator).to(x.device);
            centroids = cat([centroids, x.index_select(0, next)], 0);
        }
        return centroids;
    }

    static (Tensor Labels, Tensor Centroids, double Inertia, int Iterations) Lloyd(Tensor x, Tensor squaredNorms, Tensor centroids, int maxIterations, double tolerance)
    {
        var k = centroids.shape[0];
        var iterations = 0;
        Tensor labels;
        while (true)
        {
            iterations++;
            labels = Distances(x, squaredNorms, centroids).argmin(1);
            // Sums per cluster as one matrix product with the one-hot assignment: a GEMM, not a scatter of N rows.
            var assignment = nn.functional.one_hot(labels, k).to(x.dtype);
            var sums = assignment.t().matmul(x);
            var counts = assignment.sum(dim: 0).unsqueeze(1);
            // An emptied cluster keeps its centroid rather than becoming NaN.
            var updated = where(counts > 0, sums / counts.clamp_min(1), centroids);
            var shift = (updated - centroids).pow(2).sum().item<float>();
            centroids = updated;
            if (shift <= tolerance || iterations >= maxIterations)
                break;
        }
        labels = Distances(x, squaredNorms, centroids).argmin(1);
        var inertia = Distances(x, squaredNorms, centroids).min(1).values.sum().item<float>();
        return (labels, centroids, inertia, iterations);
    }
}
