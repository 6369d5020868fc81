"""Evaluator classifier: a small CNN on the REAL Fashion-MNIST training set.

Input convention ("canonical crop"): grey [B,1,28,28] in [0,1], made from an item by taking
the bounding box of its pixels (> 0.1 of the max), padding it to a centred square (zeros) and
resizing the square to 28x28 (bilinear, align_corners=False). The object finder
(training/evaluator.py) feeds exactly this. Training: random +-2 px shifts; half of each
batch degraded to 14 px (area) and back up to 28 (bilinear).

Writes models/evaluator/classifier.pt (TorchScript, logits [B,10], Fashion-MNIST label order)
and models/evaluator/evaluator.json.

  nice -n 19 /usr/bin/python3 training/train_classifier.py --epochs 6
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnd_common import load_fmnist, CLASS_NAMES, PALETTE, COLOURS, ITEM  # noqa: E402
from evaluator import FINDER  # noqa: E402

TARGETS = ["trouser", "dress", "sneaker", "ankle boot", "bag", "sandal"]


def canonical(img, thr=0.1):
    """img: float [H,W] in [0,1] -> canonical 28x28 crop (numpy float32)."""
    m = img > thr * max(img.max(), 1e-6)
    ys, xs = np.nonzero(m)
    if len(ys) == 0:
        return np.zeros((28, 28), np.float32)
    r0, r1, c0, c1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop = img[r0:r1, c0:c1]
    h, w = crop.shape
    s = max(h, w)
    sq = np.zeros((s, s), np.float32)
    sq[(s - h) // 2:(s - h) // 2 + h, (s - w) // 2:(s - w) // 2 + w] = crop
    t = torch.from_numpy(sq)[None, None]
    return F.interpolate(t, size=(28, 28), mode="bilinear", align_corners=False)[0, 0].numpy()


def canonical_set(x):
    return np.stack([canonical(im.astype(np.float32) / 255.0) for im in x]).astype(np.float32)


def degrade(x, size=ITEM):
    """[B,1,28,28] -> area-downscale to size -> bilinear back to 28."""
    small = F.interpolate(x, size=(size, size), mode="area")
    return F.interpolate(small, size=(28, 28), mode="bilinear", align_corners=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 32, 3, padding=1)
        self.c3 = nn.Conv2d(32, 64, 3, padding=1)
        self.c4 = nn.Conv2d(64, 64, 3, padding=1)
        self.f1 = nn.Linear(64 * 7 * 7, 128)
        self.f2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.c1(x))
        h = F.max_pool2d(F.relu(self.c2(h)), 2)
        h = F.relu(self.c3(h))
        h = F.max_pool2d(F.relu(self.c4(h)), 2)
        h = F.relu(self.f1(h.flatten(1)))
        return self.f2(h)


def shift(x, rng, m=2):
    B = x.shape[0]
    p = F.pad(x, (m, m, m, m))
    out = torch.empty_like(x)
    dy = rng.randint(0, 2 * m + 1, B)
    dx = rng.randint(0, 2 * m + 1, B)
    for i in range(B):
        out[i] = p[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28]
    return out


def evaluate(net, x, y, size=None):
    net.eval()
    preds = []
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            b = x[i:i + 1000]
            if size is not None:
                b = degrade(b, size)
            preds.append(net(b).argmax(1))
    p = torch.cat(preds)
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "evaluator"))
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng = np.random.RandomState(0)
    t0 = time.time()
    xtr, ytr = load_fmnist("train")
    xte, yte = load_fmnist("test")
    xtr = torch.from_numpy(canonical_set(xtr))[:, None]
    xte = torch.from_numpy(canonical_set(xte))[:, None]
    ytr = torch.from_numpy(ytr.astype(np.int64))
    yte = torch.from_numpy(yte.astype(np.int64))
    print("data ready %.0fs" % (time.time() - t0), flush=True)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    n = len(xtr)
    steps_per_epoch = n // a.batch
    total = a.epochs * steps_per_epoch
    step = 0
    for ep in range(a.epochs):
        net.train()
        perm = torch.from_numpy(rng.permutation(n))
        for i in range(steps_per_epoch):
            idx = perm[i * a.batch:(i + 1) * a.batch]
            xb = shift(xtr[idx], rng)
            h = a.batch // 2
            xb = torch.cat([degrade(xb[:h]), xb[h:]])
            lr = a.lr * 0.5 * (1 + np.cos(np.pi * step / total))
            for g in opt.param_groups:
                g["lr"] = lr
            loss = F.cross_entropy(net(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        p28 = evaluate(net, xte, yte)
        p14 = evaluate(net, xte, yte, ITEM)
        print("epoch %d loss %.3f test acc 28px %.4f 14px %.4f (%.0fs)" % (
            ep, loss.item(), (p28 == yte).float().mean(), (p14 == yte).float().mean(),
            time.time() - t0), flush=True)
    net.eval()
    p14 = evaluate(net, xte, yte, ITEM)
    p28 = evaluate(net, xte, yte)
    tidx = [CLASS_NAMES.index(c) for c in TARGETS]
    sel = torch.zeros_like(yte, dtype=torch.bool)
    for c in tidx:
        sel |= yte == c
    per = {}
    for c in range(10):
        m = yte == c
        per[CLASS_NAMES[c]] = round(float((p14[m] == c).float().mean()), 4)
    acc6 = float((p14[sel] == yte[sel]).float().mean())
    report = {"test_acc_28px_all10": round(float((p28 == yte).float().mean()), 4),
              "test_acc_14px_all10": round(float((p14 == yte).float().mean()), 4),
              "test_acc_14px_6targets": round(acc6, 4),
              "test_acc_14px_per_class": per,
              "train_seconds": round(time.time() - t0)}
    print(json.dumps(report, indent=1), flush=True)
    os.makedirs(a.out, exist_ok=True)
    scripted = torch.jit.script(net)
    torch.jit.save(scripted, os.path.join(a.out, "classifier.pt.tmp"))
    os.replace(os.path.join(a.out, "classifier.pt.tmp"), os.path.join(a.out, "classifier.pt"))
    card = {
        "file": "classifier.pt",
        "input": {"shape": [None, 1, 28, 28], "range": [0, 1], "kind": "grey canonical crop",
                  "canonical_crop": "bounding box of component pixels, zero-padded to a "
                                    "centred square, bilinear resize to 28x28 "
                                    "(align_corners=false)"},
        "output": "logits [B,10] in Fashion-MNIST label order",
        "classes": CLASS_NAMES,
        "target_classes": TARGETS,
        "item_size": ITEM,
        "canvas": 32,
        "palette": {c: list(PALETTE[c]) for c in COLOURS},
        "white": [1.0, 1.0, 1.0],
        "finder": FINDER,
        "classifier_report": report,
        "training_command": "nice -n 19 /usr/bin/python3 training/train_classifier.py "
                            "--epochs %d" % a.epochs,
    }
    with open(os.path.join(a.out, "evaluator.json"), "w") as f:
        json.dump(card, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
