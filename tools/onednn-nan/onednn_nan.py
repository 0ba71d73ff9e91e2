"""The same reproduction in PyTorch (Debian's python3-torch 1.13, its own oneDNN), for comparison with TorchSharp.

  /usr/bin/python3 tools/onednn-nan/onednn_nan.py hunt [--seeds 0-7] [--steps 1500] [--batch 32] [--kernels onednn|im2col]
  /usr/bin/python3 tools/onednn-nan/onednn_nan.py replay FILE.safetensors [--repeats 3]

hunt trains the seed network (conv 20@5x5, pool, conv 50@5x5, pool, fc 500, fc 10) on the bundled digits with SGD
(lr 0.05, momentum 0.5) and reports the first step whose loss or gradient is not finite; replay runs one step saved by
the C# program (OneDnnNan hunt --save) with oneDNN on and off and prints non-finite counts and bit hashes.
"""
import argparse, gzip, hashlib, json, pathlib, struct, sys, time
import numpy as np
import torch
import torch.nn.functional as F

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAMES = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]


def idx(path):
    data = gzip.open(path).read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def digits():
    images = torch.from_numpy(idx(ROOT / "data/mnist/train-images-idx3-ubyte.gz").copy()).float().div(255).unsqueeze(1)
    labels = torch.from_numpy(idx(ROOT / "data/mnist/train-labels-idx1-ubyte.gz").astype(np.int64))
    mean, std = images.mean(), images.std()  # what Stethoscope's Normalization.Measure does for the bundled digits
    return (images - mean) / std, labels


def forward(p, x, y, keep=False):
    if keep:
        x = x.detach().clone().requires_grad_(True)
    c1 = F.conv2d(x, p["conv1.weight"], p["conv1.bias"])
    p1 = F.max_pool2d(F.relu(c1), 2)
    c2 = F.conv2d(p1, p["conv2.weight"], p["conv2.bias"])
    p2 = F.max_pool2d(F.relu(c2), 2)
    h = F.relu(F.linear(p2.flatten(1), p["fc1.weight"], p["fc1.bias"]))
    out = F.log_softmax(F.linear(h, p["fc2.weight"], p["fc2.bias"]), 1)
    if keep:
        for t in (c1, p1, c2):
            t.retain_grad()
    return x, c1, p1, c2, F.nll_loss(out, y)


def hunt(args):
    images, labels = digits()
    torch.backends.mkldnn.enabled = args.kernels == "onednn"
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}, kernels {args.kernels}, batch {args.batch}, {args.steps} steps")
    print("seed\tfirst_non_finite_step\tlast_loss\tseconds")
    bad = 0
    for seed in args.seeds:
        torch.manual_seed(seed)
        layers = [torch.nn.Conv2d(1, 20, 5), torch.nn.Conv2d(20, 50, 5), torch.nn.Linear(800, 500), torch.nn.Linear(500, 10)]
        p = dict(zip(NAMES, [t.detach().clone().requires_grad_(True) for l in layers for t in (l.weight, l.bias)]))
        opt = torch.optim.SGD(p.values(), lr=0.05, momentum=0.5)
        n = len(labels) - len(labels) % args.batch
        start, nonfinite, loss = time.time(), None, float("nan")
        for step in range(1, args.steps + 1):
            s = (step - 1) * args.batch % n
            if s == 0:
                order = torch.randperm(len(labels))
            i = order[s:s + args.batch]
            opt.zero_grad()
            *_, l = forward(p, images[i], labels[i])
            l.backward()
            loss = l.item()
            if not (np.isfinite(loss) and all(torch.isfinite(t.grad).all() for t in p.values())):
                nonfinite = step
                break
            opt.step()
        bad += nonfinite is not None
        print(f"{seed}\t{nonfinite or '-'}\t{loss:.4f}\t{time.time() - start:.1f}", flush=True)
    print(f"# {bad} of {len(args.seeds)} runs reached a non-finite loss or gradient")


def read_safetensors(path):
    data = pathlib.Path(path).read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data, np.float32, offset=8 + n + a, count=(b - a) // 4).reshape(e["shape"]).copy())
    return out


def replay(args):
    saved = read_safetensors(args.file)
    p = {k: saved[k].requires_grad_(True) for k in NAMES}
    x, y = saved["batch.images"], saved["batch.labels"].long()
    print(f"# torch {torch.__version__}, threads {torch.get_num_threads()}")
    print("kernels\trepeat\ttensor\tnon_finite\thash")
    for enabled in (True, False):
        with torch.backends.mkldnn.flags(enabled=enabled):
            for r in range(args.repeats):
                for t in p.values():
                    t.grad = None
                xi, c1, p1, c2, loss = forward(p, x, y, keep=True)
                loss.backward()
                parts = {"loss": loss.detach(), "conv1.output": c1.detach(), "conv2.output": c2.detach(),
                         "conv1.grad_input": xi.grad, "conv2.grad_input": p1.grad,
                         **{"grad." + k: p[k].grad for k in NAMES}}
                for name, t in parts.items():
                    bad = int((~torch.isfinite(t)).sum())
                    h = hashlib.sha1(t.contiguous().numpy().tobytes()).hexdigest()[:16]
                    print(f"{'onednn' if enabled else 'im2col'}\t{r}\t{name}\t{bad}\t{h}")


def seeds(text):
    a, _, b = text.partition("-")
    return list(range(int(a), int(b or a) + 1))


parser = argparse.ArgumentParser()
sub = parser.add_subparsers(dest="command", required=True)
h = sub.add_parser("hunt")
h.add_argument("--seeds", type=seeds, default=seeds("0-7"))
h.add_argument("--steps", type=int, default=1500)
h.add_argument("--batch", type=int, default=32)
h.add_argument("--kernels", choices=["onednn", "im2col"], default="onednn")
r = sub.add_parser("replay")
r.add_argument("file")
r.add_argument("--repeats", type=int, default=3)
a = parser.parse_args()
hunt(a) if a.command == "hunt" else replay(a)
