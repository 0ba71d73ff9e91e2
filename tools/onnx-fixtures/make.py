#!/usr/bin/python3
"""Small ONNX networks for the importer's tests, exported by PyTorch, with PyTorch's outputs for a fixed input.

Run with Debian's python3-torch (1.13; torch.onnx.export needs no onnx package):
    /usr/bin/python3 tools/onnx-fixtures/make.py tests/Stethoscope.Tests/Onnx/fixtures

Each network NAME gives NAME.onnx and NAME.json: {"opset", "input_shape", "input", "output_shape", "output"} with
float32 values in row-major order. The input is a seeded normal sample of batch 2 and an odd, non-square size, so
ceil-mode pooling, padding and axis order all matter. BatchNorm statistics are set to non-trivial values so that
evaluation mode is tested, not an identity.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class CnnOps(nn.Module):
    """A chain: Conv (dilation, groups, with and without bias), BatchNormalization, Relu, LeakyRelu, MaxPool (ceil
    mode), Sigmoid, Tanh, Clip, AveragePool (ceil mode without pads counted; symmetric with pads counted),
    GlobalAveragePool, Flatten, Gemm, LogSoftmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=2, dilation=2)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=4, bias=False)
        self.pool1 = nn.MaxPool2d(3, 2, padding=1, ceil_mode=True)
        self.conv3 = nn.Conv2d(8, 12, 1)
        self.pool2 = nn.AvgPool2d(3, 2, padding=1, ceil_mode=True, count_include_pad=False)
        self.pool3 = nn.AvgPool2d(3, 1, padding=1, count_include_pad=True)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        # BatchNorm after the ReLU: right after a convolution the exporter folds it into the convolution's weights.
        x = self.bn1(F.relu(self.conv1(x)))
        x = F.leaky_relu(self.conv2(x), 0.2)
        x = self.pool1(x)
        x = torch.sigmoid(self.conv3(x))
        x = torch.tanh(self.pool2(x))
        x = F.hardtanh(self.pool3(x), -0.3, 0.3)
        x = torch.flatten(self.gap(x), 1)
        return F.log_softmax(self.fc(x), dim=1)


class GraphOps(nn.Module):
    """Branches and constants: Pad (constant, asymmetric; reflect), Sub and Div with constants, two convolutions of
    one tensor added (Add) and multiplied (Mul), Concat on channels, Reshape to a constant shape, MatMul with a
    constant matrix, Softmax."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.linspace(-0.2, 0.3, 3).view(1, 3, 1, 1))
        self.a = nn.Conv2d(3, 4, 3)
        self.b = nn.Conv2d(3, 4, 3)
        self.c = nn.Conv2d(8, 4, 3, stride=2)
        self.w = nn.Parameter(torch.randn(4 * 5 * 6, 6) * 0.1)

    def forward(self, x):
        x = (x - self.mean) / 2.5
        x = F.pad(x, (1, 2, 0, 1))
        x = F.pad(x, (1, 1, 1, 1), mode="reflect")
        a, b = self.a(x), self.b(x)
        x = torch.cat([a + b, a * b], dim=1)
        x = self.c(x)
        x = x.reshape(-1, 4 * 5 * 6)
        return F.softmax(x @ self.w, dim=1)


def randomise_batchnorm(model):
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)


def export(model, name, opset, shape, folder):
    model.eval()
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(7))
    with torch.no_grad():
        y = model(x)
    path = os.path.join(folder, name + ".onnx")
    torch.onnx.export(model, x, path, opset_version=opset, do_constant_folding=True,
                      input_names=["input"], output_names=["output"])
    with open(os.path.join(folder, name + ".json"), "w") as f:
        json.dump({"opset": opset, "input_shape": list(x.shape), "input": x.flatten().tolist(),
                   "output_shape": list(y.shape), "output": y.flatten().tolist()}, f)
    print(f"{path}: output {list(y.shape)}")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(0)
    cnn = CnnOps()
    randomise_batchnorm(cnn)
    export(cnn, "cnn-ops-opset13", 13, (2, 3, 19, 21), folder)
    export(cnn, "cnn-ops-opset9", 9, (2, 3, 19, 21), folder)
    torch.manual_seed(1)
    # Opset 10: Pad takes its pads as an attribute (from 11 on, PyTorch computes them with a chain of shape operators).
    export(GraphOps(), "graph-ops-opset10", 10, (2, 3, 11, 10), folder)


if __name__ == "__main__":
    main()
