namespace Stethoscope.Models;

/// <summary>
/// The seed's MNIST network (seed 000, after PyTorch's MNIST example): conv 20@5x5 → max-pool 2 → conv 50@5x5 →
/// max-pool 2 → fc 500 → fc 10, ReLU after each hidden layer, log-softmax output.
/// </summary>
public static class MnistNet
{
    public static ModelRecipe Recipe { get; } = new(
        "mnist-net",
        "seed 000's MNIST network: conv 20@5x5, pool, conv 50@5x5, pool, fc 500, fc 10, log-softmax",
        new InputShape(1, 28, 28),
        Objective.LogProbabilities,
        Build);

    public static LayerStack Build(ModelRequest request) =>
        new LayerStackBuilder("mnist-net", request.Input)
            .Conv("conv1", 20, 5).ReLU("relu1").MaxPool("pool1", 2, 2)
            .Conv("conv2", 50, 5).ReLU("relu2").MaxPool("pool2", 2, 2)
            .Flatten("flatten")
            .Linear("fc1", 500).ReLU("relu3")
            .Linear("fc2", request.Classes ?? 10).LogSoftmax("log_softmax")
            .Build(Objective.LogProbabilities);
}
