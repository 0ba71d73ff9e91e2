namespace Stethoscope.Training;

/// <summary>
/// Watches a training run, in the manner of Keras callbacks and fastai hooks: every method is optional. Observers
/// receive numbers already on the host; the trainer knows nothing of what they do with them (files, sound, pictures).
/// </summary>
public interface ITrainingObserver
{
    void OnTrainingStart(TrainingStart start) { }

    void OnStep(StepRecord step) { }

    /// <summary>The first non-finite step was replayed: where its NaN/inf came from (after that step's <see cref="OnStep"/>).</summary>
    void OnNonFiniteOrigin(NonFiniteOrigin origin) { }

    void OnEvaluation(EvaluationRecord evaluation) { }

    void OnEpochEnd(int epoch) { }

    void OnTrainingEnd(TrainingResult result) { }
}
