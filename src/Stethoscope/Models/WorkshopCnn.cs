namespace Stethoscope.Models;

/// <summary>
/// Seed 003's CIFAR-10 workshop networks, written from its description. The baseline is small and has no
/// regularisation (the seed reports about 57% test accuracy after 15 epochs, overfitting strongly); the improved
/// one has more capacity (more filters, a second convolution per block, a wider fully connected layer) and
/// dropout after each block and before the output (the seed reports about 67%). Both are built for the data's input
/// shape (the fully connected layer takes what the convolutions leave), so they train on grey 28x28 Fashion-MNIST as
/// well as on 3-channel 32x32 CIFAR-10: <c>train --model workshop-cnn --data fashion-mnist:2000/1000</c>.
/// </summary>
public static class WorkshopCnn
{
    public static ModelRecipe Baseline { get; } = new(
        "workshop-cnn",
        "seed 003's CIFAR-10 baseline: conv 32@5x5, pool, conv 32@5x5, pool, fc 256, fc 10 (no dropout); any input size, e.g. 1x28x28",
        new InputShape(3, 32, 32),
        Objective.ClassScores,
        BuildBaseline);

    public static ModelRecipe WithDropout { get; } = new(
        "workshop-cnn-dropout",
        "seed 003's improved CIFAR-10 network: 2x(conv 3x3 64) pool, 2x(conv 3x3 128) pool, fc 512, dropout; any input size",
        new InputShape(3, 32, 32),
        Objective.ClassScores,
        BuildWithDropout);

    public static LayerStack BuildBaseline(ModelRequest request) =>
        new LayerStackBuilder("workshop-cnn", request.Input)
            .Conv("conv1", 32, 5, padding: 2).ReLU("relu1").MaxPool("pool1", 2, 2)
            .Conv("conv2", 32, 5, padding: 2).ReLU("relu2").MaxPool("pool2", 2, 2)
            .Flatten("flatten")
            .Linear("fc1", 256).ReLU("relu3")
            .Linear("fc2", request.Classes ?? 10)
            .Build(Objective.ClassScores);

    public static LayerStack BuildWithDropout(ModelRequest request) =>
        new LayerStackBuilder("workshop-cnn-dropout", request.Input)
            .Conv("conv1", 64, 3, padding: 1).ReLU("relu1")
            .Conv("conv2", 64, 3, padding: 1).ReLU("relu2").MaxPool("pool1", 2, 2).Dropout("drop1", 0.25)
            .Conv("conv3", 128, 3, padding: 1).ReLU("relu3")
            .Conv("conv4", 128, 3, padding: 1).ReLU("relu4").MaxPool("pool2", 2, 2).Dropout("drop2", 0.25)
            .Flatten("flatten")
            .Linear("fc1", 512).ReLU("relu5").Dropout("drop3", 0.5)
            .Linear("fc2", request.Classes ?? 10)
            .Build(Objective.ClassScores);
}
