using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// Checks a run against a set of <see cref="DiagnosisRule"/>s as it goes: an observer that a live run (the watcher)
/// and a replayed one (<see cref="RunReplay"/>) feed alike. Each rule fires at most once; a rule whose verdict another
/// one already explains (<see cref="DiagnosisRule.ExplainedBy"/>) stays silent. <see cref="VerdictFired"/> is raised
/// at the step a verdict is first given, before the observers after this one see that step.
/// </summary>
public sealed class Diagnostician(IEnumerable<DiagnosisRule>? rules = null) : ITrainingObserver
{
    readonly List<DiagnosisRule> pending = [.. rules ?? DiagnosisRule.Standard()];
    readonly List<Verdict> verdicts = [];
    readonly HashSet<string> fired = [];
    DiagnosisStep? previous;

    /// <summary>The verdicts given so far, in the order they fired.</summary>
    public IReadOnlyList<Verdict> Verdicts => verdicts;

    /// <summary>The last step seen.</summary>
    public long Steps { get; private set; }

    /// <summary>Raised once per verdict, when it first fires.</summary>
    public event Action<Verdict>? VerdictFired;

    public void OnStep(StepRecord step)
    {
        Steps = step.Step;
        var view = previous = DiagnosisStep.Of(step, previous);
        Judge(rule => rule.OnStep(view));
    }

    public void OnEvaluation(EvaluationRecord evaluation) => Judge(rule => rule.OnEvaluation(evaluation));

    void Judge(Func<DiagnosisRule, Verdict?> ask)
    {
        for (var i = 0; i < pending.Count;)
        {
            var rule = pending[i];
            if (rule.ExplainedBy.Any(fired.Contains))
            {
                pending.RemoveAt(i);
                continue;
            }
            if (ask(rule) is not { } verdict)
            {
                i++;
                continue;
            }
            pending.RemoveAt(i);
            fired.Add(rule.Id);
            verdicts.Add(verdict);
            VerdictFired?.Invoke(verdict);
        }
    }
}
