using Stethoscope.Data;

namespace Stethoscope.Tests.Data;

public class Cifar10BinaryTests
{
    static byte[] Records(int count, byte label = 3)
    {
        var bytes = new byte[count * 3073];
        for (var r = 0; r < count; r++)
        {
            bytes[r * 3073] = label;
            bytes[r * 3073 + 1] = 255; // red plane, first pixel
            bytes[r * 3073 + 1 + 1024] = 0; // green plane, first pixel
        }
        return bytes;
    }

    [Fact]
    public void Reads_batches_as_channel_planes_with_cifar_normalisation()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp["data_batch_1.bin"], Records(3));
        File.WriteAllBytes(temp["data_batch_2.bin"], Records(2));
        File.WriteAllBytes(temp["test_batch.bin"], Records(4, label: 9));
        using var split = Cifar10Binary.Load(temp.Path);
        Assert.Equal(5, split.Train.Count);
        Assert.Equal(4, split.Test.Count);
        Assert.Equal(new Stethoscope.Models.InputShape(3, 32, 32), split.Train.Shape);
        Assert.Equal((1f - 0.4914f) / 0.2470f, split.Train.Images[0, 0, 0, 0].item<float>(), 4);
        Assert.Equal((0f - 0.4822f) / 0.2435f, split.Train.Images[0, 1, 0, 0].item<float>(), 4);
        Assert.Equal(9, split.Test.Labels[0].item<long>());
    }

    [Fact]
    public void A_file_that_is_not_whole_records_or_has_a_bad_label_is_refused()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp["data_batch_1.bin"], Records(2)[..^7]);
        File.WriteAllBytes(temp["test_batch.bin"], Records(1));
        var error = Assert.Throws<DataFormatException>(() => Cifar10Binary.Load(temp.Path));
        Assert.Contains("not a whole number of 3073-byte records", error.Message);

        File.WriteAllBytes(temp["data_batch_1.bin"], Records(2, label: 12));
        Assert.Contains("label 12", Assert.Throws<DataFormatException>(() => Cifar10Binary.Load(temp.Path)).Message);

        File.Delete(temp["test_batch.bin"]);
        Assert.Contains("no test_batch.bin", Assert.Throws<DataFormatException>(() => Cifar10Binary.Load(temp.Path)).Message);
    }
}
