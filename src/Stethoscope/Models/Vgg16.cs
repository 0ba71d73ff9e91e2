namespace Stethoscope.Models;

/// <summary>
/// VGG-16 (Simonyan &amp; Zisserman 2014, configuration D), as used for hypercolumns in seed 000: thirteen 3x3
/// convolutions in five blocks (<c>conv1_1</c> … <c>conv5_3</c>, each followed by <c>reluN_M</c>), five max-pools,
/// then <c>fc6</c>, <c>fc7</c>, <c>fc8</c>. As in torchvision, an adaptive average pool to 7x7 sits before the
/// classifier, so any input of at least 32 px runs through the whole network.
/// </summary>
public static class Vgg16
{
    static readonly int[][] Blocks = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];

    public static ModelRecipe Recipe { get; } = new(
        "vgg16",
        "VGG-16: 13 conv 3x3 in 5 blocks + fc6, fc7, fc8 (torchvision layout), inputs of 32 px or more",
        new InputShape(3, 224, 224),
        Objective.ClassScores,
        Build);

    public static LayerStack Build(ModelRequest request)
    {
        if (request.Input.Height < 32 || request.Input.Width < 32)
            throw new StethoscopeException($"vgg16 needs inputs of at least 32x32 px; got {request.Input}");
        var builder = new LayerStackBuilder("vgg16", request.Input);
        for (var block = 0; block < Blocks.Length; block++)
        {
            for (var i = 0; i < Blocks[block].Length; i++)
            {
                var suffix = $"{block + 1}_{i + 1}";
                builder.Conv($"conv{suffix}", Blocks[block][i], 3, padding: 1).ReLU($"relu{suffix}");
            }
            builder.MaxPool($"pool{block + 1}", 2, 2);
        }
        return builder
            .AdaptiveAvgPool("avgpool", 7).Flatten("flatten")
            .Linear("fc6", 4096).ReLU("relu6").Dropout("drop6", 0.5)
            .Linear("fc7", 4096).ReLU("relu7").Dropout("drop7", 0.5)
            .Linear("fc8", request.Classes ?? 1000)
            .Build(Objective.ClassScores);
    }
}
