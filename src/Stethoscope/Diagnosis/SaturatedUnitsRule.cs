namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>saturated-units</c>: at least half of a bounded activation's outputs (tanh, sigmoid, hardtanh, ReLU6) lie
/// within 2% of its bounds (<c>act/&lt;layer&gt;/saturated_fraction</c>; tanh |y| &gt; 0.98), on 3 samples in a row:
/// there the derivative is almost 0 and the layer stops learning. Thresholds: Amazon SageMaker Debugger's
/// SaturatedActivation rule counts tanh inputs beyond ±9.5 and sigmoid inputs beyond −23 / 17; our element test
/// (2% of the range: a tanh input beyond ±2.3, where the derivative is below 0.04) is looser, so a layer is flagged
/// only when half of its outputs are saturated (the layer share of their DeadRelu rule) on 3 samples in a row, as for
/// dead units.
/// </summary>
public sealed class SaturatedUnitsRule : UnitShareRule
{
    public override string Id => "saturated-units";

    public override string Title => "Saturated units";

    public override string Statistic => "saturated_fraction";

    public override double Threshold => 0.5;

    public override int Samples => 3;

    protected override string Counted => "share of outputs within 2% of the activation's bounds";

    public override string Suggestion =>
        "scale the inputs (normalise them), initialise with Xavier/Glorot, add BatchNorm before the activation, lower the learning rate, or use ReLU-like activations";
}
