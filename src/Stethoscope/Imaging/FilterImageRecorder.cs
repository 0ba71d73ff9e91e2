using SkiaSharp;
using Stethoscope.Models;
using Stethoscope.TensorBoard;
using Stethoscope.Training;

namespace Stethoscope.Imaging;

/// <summary>
/// Writes the first convolution layer's filter grid (each filter scaled on its own) into TensorBoard's images
/// dashboard as <c>filters/&lt;layer&gt;</c>: at the start, every <c>every</c> steps and at the end, so the slider
/// shows the filters turning from noise into structure. Its event file lives in <c>tensorboard/filters/</c>. With a
/// figures folder it also keeps <c>filters-&lt;layer&gt;-live.png</c> there up to date, for the live dashboard.
/// </summary>
public sealed class FilterImageRecorder(string directory, string? figures = null, int every = FilterImageRecorder.DefaultEvery) : ITrainingObserver, IDisposable
{
    public const int DefaultEvery = 500;

    EventFileWriter? events;
    TracedLayer? layer;
    long lastWritten = -1;

    public void OnTrainingStart(TrainingStart start)
    {
        layer = start.Layers.Weighted.FirstOrDefault(l => l.Weight!.dim() == 4);
        if (layer is null)
            return;
        events = new EventFileWriter(directory);
        Write(0);
    }

    public void OnStep(StepRecord step)
    {
        if (step.Step % every == 0)
            Write(step.Step);
    }

    public void OnTrainingEnd(TrainingResult result)
    {
        if (result.Steps != lastWritten)
            Write(result.Steps);
        Dispose();
    }

    void Write(long step)
    {
        if (events is null || layer is null)
            return;
        using var bitmap = FilterGrid.Render(layer.Weight!, FilterScaling.PerFilter);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var bytes = png.ToArray();
        events.WriteImage(step, $"filters/{layer.Path}", bytes, bitmap.Width, bitmap.Height);
        events.Flush();
        if (figures is not null)
        {
            Directory.CreateDirectory(figures);
            Runs.AtomicFile.Write(Path.Combine(figures, $"filters-{layer.Path}-live.png"), temporary => File.WriteAllBytes(temporary, bytes));
        }
        lastWritten = step;
    }

    public void Dispose()
    {
        events?.Dispose();
        events = null;
    }
}
