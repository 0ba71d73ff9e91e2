using Stethoscope.Data;
using Stethoscope.Runs;

namespace Stethoscope.Tests.Runs;

public class MetricsCsvTests
{
    [Fact]
    public void Reads_rows_with_nan_and_infinity_and_skips_a_half_written_last_line()
    {
        using var temp = new TempDirectory();
        var path = temp["metrics.csv"];
        File.WriteAllText(path, "step,epoch,loss,accuracy,lr,grad_norm/conv1,grad_norm/fc1\n1,1,2.3,0.1,0.01,0.5,1.5\n2,1,NaN,,0.01,Infinity,-Infinity\n3,1,2.1,0.2,0.0");
        var metrics = MetricsCsv.Open(path);
        Assert.Equal(["grad_norm/conv1", "grad_norm/fc1"], metrics.ColumnsStartingWith("grad_norm/"));
        var rows = metrics.Rows().ToList();
        Assert.Equal([1L, 2L], rows.Select(r => r.Step));
        Assert.Equal([2.3f, 0.1f, 0.01f, 0.5f, 1.5f], rows[0].Values);
        Assert.True(float.IsNaN(rows[1].Values[0]) && float.IsNaN(rows[1].Values[1]));
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity], rows[1].Values[3..]);
    }

    [Fact]
    public void Crlf_line_ends_are_read_and_a_partial_last_line_is_still_skipped()
    {
        using var temp = new TempDirectory();
        var path = temp["metrics.csv"];
        File.WriteAllText(path, "step,epoch,loss\r\n1,1,2.5\r\n2,1,2.25\r\n3,1,2.");
        var rows = MetricsCsv.Open(path).Rows().ToList();
        Assert.Equal([1L, 2L], rows.Select(r => r.Step));
        Assert.Equal(2.25f, rows[1].Values[0]);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("loss,step\n", "header must start with step,epoch")]
    [InlineData("step,epoch,loss\n1,1\n", "line 2 has 2 cells")]
    [InlineData("step,epoch,loss\n1,1,abc\n", "'abc' is not a number")]
    public void Broken_files_are_refused_with_the_line_and_problem(string text, string problem)
    {
        using var temp = new TempDirectory();
        var path = temp["metrics.csv"];
        File.WriteAllText(path, text);
        var error = Assert.Throws<DataFormatException>(() => MetricsCsv.Open(path).Rows().ToList());
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void A_missing_file_says_so()
    {
        var error = Assert.Throws<DataFormatException>(() => MetricsCsv.Open("/no/such/run/metrics.csv"));
        Assert.Contains("no such file", error.Message);
    }
}
