using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// One thing that can be wrong with a training run, checked step by step: a small class with a documented threshold
/// and where that threshold comes from. A rule sees every step (<see cref="OnStep"/>) and every evaluation
/// (<see cref="OnEvaluation"/>) in order, keeps what it needs, and returns a <see cref="Verdict"/> the first time its
/// condition holds; it is not asked again after that. The same rule object serves a live run and a replayed one.
/// "The default <c>train</c> runs" in the rules' measurements are those of the defaults before 2026-11-29 (SGD lr 0.05,
/// momentum 0.5: the same effective step, lr / (1 − momentum), as today's lr 0.01 with momentum 0.9), unless a rule
/// says otherwise; every rule was checked again on today's defaults (seeds 0–3, one epoch of full MNIST, resnet-digits
/// with SGD and AdamW): no verdict.
/// </summary>
public abstract class DiagnosisRule
{
    /// <summary>The rule's id in diagnosis.json (<c>exploding-gradients</c>, …).</summary>
    public abstract string Id { get; }

    /// <summary>A human title (<c>Exploding gradients</c>).</summary>
    public abstract string Title { get; }

    /// <summary>What to try when the rule fires.</summary>
    public abstract string Suggestion { get; }

    /// <summary>
    /// Rules whose verdict, once given, explains this one: a network whose ReLUs died also stops lowering its loss, and
    /// saying so twice would bury the cause. This rule stays silent once one of them has fired.
    /// </summary>
    public virtual IReadOnlyList<string> ExplainedBy => [];

    public virtual Verdict? OnStep(DiagnosisStep step) => null;

    public virtual Verdict? OnEvaluation(EvaluationRecord evaluation) => null;

    /// <summary>A verdict of this rule.</summary>
    protected Verdict Fire(IEnumerable<string> layers, long firstStep, long detectedStep, string evidence, params (string Name, double Value)[] values) =>
        new(Id, Title, [.. layers], firstStep, detectedStep, evidence,
            values.Where(v => double.IsFinite(v.Value)).ToDictionary(v => v.Name, v => v.Value), Suggestion);

    /// <summary>A number for a sentence: three significant digits (whole numbers from 1,000 to 1,000,000), NaN and
    /// infinities by name.</summary>
    protected static string Number(double value) => Math.Abs(value) is >= 1000 and < 1e6
        ? value.ToString("0", System.Globalization.CultureInfo.InvariantCulture)
        : value.ToString("G3", System.Globalization.CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>The rules every run is checked against, in the order their verdicts are listed when they fire together.</summary>
    public static IReadOnlyList<DiagnosisRule> Standard() =>
    [
        new DivergedRule(),
        new ExplodingGradientsRule(),
        new ZeroGradientsRule(),
        new DeadUnitsRule(),
        new SaturatedUnitsRule(),
        new VanishingGradientsRule(),
        new UpdateRatioHighRule(),
        new UpdateRatioLowRule(),
        new LossNotDecreasingRule(),
        new OverfittingRule(),
    ];
}
