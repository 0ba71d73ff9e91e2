namespace Stethoscope.Onnx;

/// <summary>The operator table: every ONNX operator the importer implements, by its <c>op_type</c>.</summary>
static class OnnxOperators
{
    static readonly Dictionary<string, Action<NodeContext>> table = new(StringComparer.Ordinal)
    {
        ["Conv"] = ConvolutionOperators.Conv,
        ["BatchNormalization"] = ConvolutionOperators.BatchNormalization,
        ["Relu"] = ActivationOperators.Relu,
        ["LeakyRelu"] = ActivationOperators.LeakyRelu,
        ["Sigmoid"] = ActivationOperators.Sigmoid,
        ["Tanh"] = ActivationOperators.Tanh,
        ["Clip"] = ActivationOperators.Clip,
        ["Softmax"] = ActivationOperators.Softmax,
        ["LogSoftmax"] = ActivationOperators.LogSoftmax,
        ["Add"] = ElementwiseOperators.Add,
        ["Sub"] = ElementwiseOperators.Sub,
        ["Mul"] = ElementwiseOperators.Mul,
        ["Div"] = ElementwiseOperators.Div,
        ["Sum"] = ElementwiseOperators.Sum,
        ["MaxPool"] = PoolingOperators.MaxPool,
        ["AveragePool"] = PoolingOperators.AveragePool,
        ["GlobalAveragePool"] = PoolingOperators.GlobalAveragePool,
        ["GlobalMaxPool"] = PoolingOperators.GlobalMaxPool,
        ["Gemm"] = LinearOperators.Gemm,
        ["MatMul"] = LinearOperators.MatMul,
        ["Flatten"] = ShapeOperators.Flatten,
        ["Reshape"] = ShapeOperators.Reshape,
        ["Concat"] = ShapeOperators.Concat,
        ["Split"] = ShapeOperators.Split,
        ["Pad"] = ShapeOperators.Pad,
        ["Identity"] = ShapeOperators.Identity,
        ["Dropout"] = ShapeOperators.Dropout,
        ["Constant"] = ShapeOperators.Constant,
    };

    public static IEnumerable<string> Names => table.Keys.Order(StringComparer.Ordinal);

    public static Action<NodeContext>? Find(string opType) => table.GetValueOrDefault(opType);
}
