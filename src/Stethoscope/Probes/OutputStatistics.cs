using TorchSharp;
using TorchSharp.Modules;

namespace Stethoscope.Probes;

/// <summary>
/// Which statistics describe a module's output, by what the module is. Every output gets mean and standard deviation.
/// ReLU-like activations, whose output is exactly 0 where they pass no gradient (ReLU, ReLU6, Hardswish), also get the
/// share of exact zeros and of dead units. Bounded activations also get the share of saturated outputs: those within
/// <see cref="SaturationMargin"/> of the largest bound's magnitude of a bound (tanh and softsign: |y| &gt; 0.98;
/// sigmoid and hardsigmoid: y &lt; 0.02 or y &gt; 0.98; hardtanh and ReLU6 by their own bounds, ReLU6: y &lt; 0.12 or
/// y &gt; 5.88), where the gradient has (nearly) vanished.
/// </summary>
/// <param name="ZeroBased">Exact zeros and dead units apply.</param>
/// <param name="NonNegative">The output is never negative (a unit is dead when its largest output is 0).</param>
/// <param name="Bounds">The output's range, for saturation; null when unbounded.</param>
public sealed record OutputStatistics(bool ZeroBased, bool NonNegative, (double Low, double High)? Bounds)
{
    public const double SaturationMargin = 0.02;

    /// <summary>Mean and standard deviation only: unbounded smooth activations, and weighted layers.</summary>
    public static OutputStatistics Moments { get; } = new(false, false, null);

    /// <summary>The statistics of an activation module's output, or null when <paramref name="module"/> is not an activation.</summary>
    public static OutputStatistics? OfActivation(torch.nn.Module module) => module switch
    {
        ReLU => new(true, true, null),
        ReLU6 => new(true, true, (0, 6)),
        Hardswish => new(true, false, null),
        Tanh or Softsign => new(false, false, (-1, 1)),
        Sigmoid or Hardsigmoid => new(false, true, (0, 1)),
        Hardtanh h => new(false, false, (h.min_val, h.max_val)),
        LeakyReLU or PReLU or RReLU or ELU or CELU or SELU or GELU or SiLU or Mish or Softplus or LogSigmoid or Tanhshrink => Moments,
        _ => null,
    };

    /// <summary>The statistics reported for an output, in the order <see cref="ActivationStatisticsProbe.Statistics"/> lists them.</summary>
    public IEnumerable<string> Names
    {
        get
        {
            yield return "mean";
            yield return "std";
            if (ZeroBased)
            {
                yield return "zero_fraction";
                yield return "dead_fraction";
            }
            if (Bounds is not null)
                yield return "saturated_fraction";
        }
    }

    /// <summary>How far inside a bound an output counts as saturated: 2% of the larger bound's magnitude.</summary>
    public double Margin => Bounds is { } b ? SaturationMargin * Math.Max(Math.Abs(b.Low), Math.Abs(b.High)) : 0;
}
