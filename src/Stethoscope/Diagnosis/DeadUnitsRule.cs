namespace Stethoscope.Diagnosis;

/// <summary>
/// <c>dead-units</c>: at least half of a layer's units (channels, features) output 0 for every element of the whole
/// batch (<c>act/&lt;layer&gt;/dead_fraction</c>), on 3 samples in a row. Thresholds: Amazon SageMaker Debugger's DeadRelu
/// rule calls a unit dead when it is inactive on at least 99% of the inputs and flags a layer when at least 50% of its
/// units are (threshold_layer); our unit test is stricter (zero for 100% of a batch), the layer share is theirs. The
/// 3 samples in a row are our choice: with a batch of 10 digits many units can be off for one batch by chance, a dead
/// unit stays off batch after batch.
/// </summary>
public sealed class DeadUnitsRule : UnitShareRule
{
    public override string Id => "dead-units";

    public override string Title => "Dead units";

    public override string Statistic => "dead_fraction";

    public override double Threshold => 0.5;

    public override int Samples => 3;

    protected override string Counted => "share of units that output 0 for the whole batch";

    public override string Suggestion =>
        "lower the learning rate (Adam at 0.01 kills ReLUs; try 1e-3), use LeakyReLU or GELU, add BatchNorm before the activation, or initialise with He/Kaiming";
}
