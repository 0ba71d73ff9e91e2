using Stethoscope.Onnx;

namespace Stethoscope.Tests.Onnx;

/// <summary>A fact that needs the real ResNet-18 in the user's model cache (fetched by <c>stethoscope models get
/// resnet18-imagenet</c>); skipped with the reason where it is absent, since tests never use the network.</summary>
public sealed class RealResNet18FactAttribute : FactAttribute
{
    public RealResNet18FactAttribute()
    {
        if (!File.Exists(PretrainedResNet18.NetworkPath(ModelCache.Root)))
            Skip = $"the model cache {ModelCache.Root} has no {PretrainedResNet18.Name}; run 'stethoscope models get {PretrainedResNet18.Name}' once to run this test";
    }
}
