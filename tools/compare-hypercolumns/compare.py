#!/usr/bin/python3
"""Checks Stethoscope's VGG-16 hypercolumns against PyTorch's, on the same weights and the same image.

  /usr/bin/python3 compare.py make DIR    writes DIR/vgg16.safetensors (random weights, torchvision names) and DIR/image.bmp
  stethoscope hypercolumns --model vgg16 --weights DIR/vgg16.safetensors --image DIR/image.bmp \
      --layers conv1_2,conv2_2,conv3_3,conv4_3,conv5_3 --save --out DIR/out
  /usr/bin/python3 compare.py check DIR   prints the relative error of DIR/out/hypercolumns.safetensors

A one-off reference (Debian's python3-torch, no torchvision, no PIL); the product and its tests never need it.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

CONFIG = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
# Indices in torchvision's vgg16().features of the ReLUs after conv1_2, conv2_2, conv3_3, conv4_3, conv5_3.
RELUS = [3, 8, 15, 22, 29]
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def features():
    layers, channels = [], 3
    for v in CONFIG:
        if v == "M":
            layers.append(torch.nn.MaxPool2d(2, 2))
        else:
            layers += [torch.nn.Conv2d(channels, v, 3, padding=1), torch.nn.ReLU()]
            channels = v
    return torch.nn.Sequential(*layers)


def classifier():
    return torch.nn.Sequential(torch.nn.Linear(512 * 7 * 7, 4096), torch.nn.ReLU(), torch.nn.Dropout(),
                               torch.nn.Linear(4096, 4096), torch.nn.ReLU(), torch.nn.Dropout(), torch.nn.Linear(4096, 1000))


def image():
    """A 224x224 RGB pattern both sides compute exactly: no decoder differences."""
    y, x = np.mgrid[0:224, 0:224]
    return np.stack([(x * 7 + y * 3) % 256, (x * y) % 256, (255 - x + 2 * y) % 256]).astype(np.uint8)


def write_bmp(path, rgb):
    height, width = rgb.shape[1:]
    rows = rgb.transpose(1, 2, 0)[::-1, :, ::-1]  # bottom-up, BGR
    data = rows.tobytes()  # 224 * 3 bytes per row: already 4-byte aligned
    header = struct.pack("<2sIHHI", b"BM", 54 + len(data), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(data), 2835, 2835, 0, 0)
    with open(path, "wb") as f:
        f.write(header + info + data)


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in sorted(tensors.items()):
        b = t.detach().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    return {k: torch.from_numpy(np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], "<f4").reshape(v["shape"]).copy())
            for k, v in header.items() if k != "__metadata__"}


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    torch.manual_seed(0)
    net = torch.nn.ModuleDict({"features": features(), "classifier": classifier()})
    if mode == "make":
        write_safetensors(f"{folder}/vgg16.safetensors", dict(net.state_dict()))
        write_bmp(f"{folder}/image.bmp", image())
        return
    net.load_state_dict({k: v for k, v in read_safetensors(f"{folder}/vgg16.safetensors").items()})
    x = torch.from_numpy(image()).float().div(255)
    x = ((x - torch.tensor(MEAN).view(3, 1, 1)) / torch.tensor(STD).view(3, 1, 1)).unsqueeze(0)
    maps, h = [], x
    with torch.no_grad():
        for i, layer in enumerate(net["features"]):
            h = layer(h)
            if i in RELUS:
                maps.append(F.interpolate(h, size=(224, 224), mode="bilinear", align_corners=False)[0])
    reference = torch.cat(maps, 0)
    ours = read_safetensors(f"{folder}/out/hypercolumns.safetensors")["hypercolumns"]
    difference = (ours - reference).abs()
    print(f"shape {tuple(ours.shape)} vs {tuple(reference.shape)}")
    print(f"relative error (L2): {(difference.norm() / reference.norm()).item():.3e}")
    print(f"max |difference| / max |reference|: {(difference.max() / reference.abs().max()).item():.3e}")


if __name__ == "__main__":
    main()
