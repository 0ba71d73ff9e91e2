namespace Stethoscope.Models;

/// <summary>
/// Seed 003's facial-keypoint regression network (after Daniel Nouri's): a 96x96 grey image through three
/// convolution/max-pool pairs (32@3x3, 64@2x2, 128@2x2, leaving 128x11x11), two fully connected layers of
/// 1000 units, and 30 linear outputs (x and y of 15 keypoints).
/// </summary>
public static class KeypointsNet
{
    public static ModelRecipe Recipe { get; } = new(
        "keypoints-net",
        "seed 003's facial-keypoint regressor: 3x(conv, pool), fc 1000, fc 1000, 30 outputs",
        new InputShape(1, 96, 96),
        Objective.Regression,
        Build);

    public static LayerStack Build(ModelRequest request) =>
        new LayerStackBuilder("keypoints-net", request.Input)
            .Conv("conv1", 32, 3).ReLU("relu1").MaxPool("pool1", 2, 2)
            .Conv("conv2", 64, 2).ReLU("relu2").MaxPool("pool2", 2, 2)
            .Conv("conv3", 128, 2).ReLU("relu3").MaxPool("pool3", 2, 2)
            .Flatten("flatten")
            .Linear("hidden4", 1000).ReLU("relu4")
            .Linear("hidden5", 1000).ReLU("relu5")
            .Linear("output", 30)
            .Build(Objective.Regression);
}
