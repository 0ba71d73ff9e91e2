using Stethoscope.Runs;
using Stethoscope.Training;

namespace Stethoscope.Diagnosis;

/// <summary>
/// Diagnoses a run while it trains: the standard rules (<see cref="Diagnostician"/>) see every step and evaluation, and
/// when a verdict first fires <see cref="VerdictFired"/> is raised (the console line, run.json, TensorBoard and the
/// sound's cue listen to it) and diagnosis.json is rewritten; at the end it is written once more, with the first
/// non-finite module from run.json when there is one, and holds an empty list when nothing fired.
/// </summary>
public sealed class DiagnosisRecorder : ITrainingObserver
{
    readonly RunFolder run;
    readonly Diagnostician diagnostician = new();

    public DiagnosisRecorder(RunFolder run)
    {
        this.run = run;
        diagnostician.VerdictFired += verdict =>
        {
            DiagnosisFile.Write(DiagnosisFile.PathIn(run), diagnostician.Verdicts);
            VerdictFired?.Invoke(verdict);
        };
    }

    /// <summary>Raised once per verdict, at the step it first fires, before the observers after this one see that step.</summary>
    public event Action<Verdict>? VerdictFired;

    public IReadOnlyList<Verdict> Verdicts => diagnostician.Verdicts;

    public void OnStep(StepRecord step) => diagnostician.OnStep(step);

    public void OnEvaluation(EvaluationRecord evaluation) => diagnostician.OnEvaluation(evaluation);

    public void OnTrainingEnd(TrainingResult result) =>
        DiagnosisFile.Write(DiagnosisFile.PathIn(run), RunDiagnosis.WithOrigin(diagnostician.Verdicts, run));
}
