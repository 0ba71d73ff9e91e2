#!/usr/bin/python3
"""Writes the PyTorch reference for Stethoscope's ResNet-18 hypercolumns test.

  /usr/bin/python3 tools/resnet18-reference/make.py tests/Stethoscope.Tests/Analysis/resnet18-hypercolumns.json

A ResNet-18 in torchvision's layout and state-dict names, written out here (Debian's python3-torch has no
torchvision), in evaluation mode. Every state-dict tensor gets values from a formula both sides can compute, so no
44 MB weight file is committed: the k-th tensor in ordinal order of names, flattened, element i, is
s * sin(1.3 i + 0.7 k) with s = 1/sqrt(fan-in) for weights of two or more dimensions and 0.1 otherwise; BatchNorm
weights and running variances are 1 + 0.5 * that sine (positive), num_batches_tracked is left alone. The input is
x[c, r, col] = sin(0.3 col + 0.5 r + c) of shape 3x32x32. The hypercolumns are the outputs of maxpool, layer1,
layer2, layer3 and layer4 upsampled bilinearly (align_corners=False) to 32x32 and stacked: 1,024 features. The file
keeps, for each feature, its mean over the pixels and its values at pixels (0, 0), (5, 17) and (31, 31).
The product and its tests never need Python: the test reads the committed JSON.
"""
import json
import math
import sys

import torch
import torch.nn.functional as F
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths, inplanes = [64, 128, 256, 512], 64
        for i, planes in enumerate(widths):
            stride = 1 if i == 0 else 2
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes, 1)))
            inplanes = planes
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, 1000)


def fill(model):
    state = model.state_dict()
    names = sorted(n for n in state if not n.endswith("num_batches_tracked"))
    with torch.no_grad():
        for k, name in enumerate(names):
            t = state[name]
            i = torch.arange(t.numel(), dtype=torch.float64)
            wave = torch.sin(1.3 * i + 0.7 * k)
            if name.startswith("bn") or ".bn" in name or ".downsample.1." in name:
                if name.endswith(".weight") or name.endswith(".running_var"):
                    wave = 1 + 0.5 * wave
                else:
                    wave = 0.1 * wave
            elif t.dim() >= 2:
                wave = wave / math.sqrt(t.numel() / t.shape[0])
            else:
                wave = 0.1 * wave
            t.copy_(wave.reshape(t.shape).to(t.dtype))


def main(path):
    model = ResNet18().eval()
    fill(model)
    c, r, col = torch.meshgrid(torch.arange(3.0, dtype=torch.float64), torch.arange(32.0, dtype=torch.float64),
                               torch.arange(32.0, dtype=torch.float64), indexing="ij")
    x = torch.sin(0.3 * col + 0.5 * r + c).float().unsqueeze(0)
    blocks = []
    with torch.no_grad():
        y = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        outputs = [y]
        for name in ["layer1", "layer2", "layer3", "layer4"]:
            y = getattr(model, name)(y)
            outputs.append(y)
        for out in outputs:
            blocks.append(F.interpolate(out, size=(32, 32), mode="bilinear", align_corners=False)[0])
    columns = torch.cat(blocks)
    reference = {
        "layers": ["maxpool", "layer1", "layer2", "layer3", "layer4"],
        "pixels": [[0, 0], [5, 17], [31, 31]],
        "mean": columns.mean(dim=(1, 2)).tolist(),
        "at": [columns[:, row, column].tolist() for row, column in [(0, 0), (5, 17), (31, 31)]],
        "torch": torch.__version__,
    }
    with open(path, "w") as f:
        json.dump(reference, f)


if __name__ == "__main__":
    main(sys.argv[1])
