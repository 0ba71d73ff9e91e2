using Stethoscope.Runs;
using Stethoscope.Sound;

namespace Stethoscope.Tests.Sound;

public class RunSonifierTests
{
    [Fact]
    public void A_layer_not_recorded_at_a_step_sounds_as_the_live_recorder_played_it_not_as_a_nan()
    {
        using var temp = new TempDirectory();
        var withGap = Run(temp, "gap", "2,1,0.5,,0.9");
        var withMissingNorm = Run(temp, "zero", $"2,1,0.5,{SoundRecorder.MissingNorm},0.9");

        var summary = RunSonifier.Render(withGap, temp["gap.wav"]);
        RunSonifier.Render(withMissingNorm, temp["zero.wav"]);

        Assert.Equal(0, summary.NonFiniteNorms);
        Assert.Equal(WavFile.Read(temp["zero.wav"]).Samples, WavFile.Read(temp["gap.wav"]).Samples);
        Assert.Contains(float.NaN, MetricsCsv.Open(withGap.MetricsCsv).Rows().Last().Values);
    }

    static RunFolder Run(TempDirectory temp, string name, string secondRow)
    {
        var run = new RunFolder(Path.Combine(temp.Path, name));
        Directory.CreateDirectory(run.Root);
        File.WriteAllText(run.MetricsCsv, $"step,epoch,loss,grad_norm/conv1,grad_norm/fc\n1,1,2.3,1.5,0.7\n{secondRow}\n");
        return run;
    }
}
