namespace Stethoscope.Onnx;

/// <summary>
/// An ONNX file that cannot become an exact TorchSharp network: not an ONNX model, a graph of a shape Stethoscope does
/// not take (several inputs, no float input), or an operator or attribute it does not implement, named with its node.
/// Importing stops at the first such problem rather than building a network that computes something else.
/// </summary>
public sealed class OnnxImportException(string message) : StethoscopeException(message);
