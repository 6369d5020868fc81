"""Golden outputs of the Python reference finder (training/evaluator.py) for the Java port's
parity test: canvases built from the committed Fashion-MNIST sample, with touching and
overlapping items (so components get split), large items, dim items and noise. Canvases are
quantised to 8 bits so Java rebuilds the same float32 input bit for bit.

  /usr/bin/python3 evaluator/src/test/python/make_finder_golden.py [path/to/training] [models/evaluator]

With an evaluator folder, the full detections (class, probability, colour, pixels) of its
classifier are stored too, keyed by the classifier's SHA-256: the Java test compares them while
the committed classifier is that file.
"""
import hashlib
import base64
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "training"))
import evaluator as ev  # noqa: E402

RES = os.path.join(HERE, "..", "resources", "dnd", "eval")
N_CANVAS = 100
N_WITH_CROPS = 6


def read_idx(path):
    import struct
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 2051:
        n, r, c = struct.unpack(">III", data[4:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, r, c)
    n = struct.unpack(">I", data[4:8])[0]
    return np.frombuffer(data, np.uint8, offset=8).reshape(n)


def item(img28, size):
    ys, xs = np.nonzero(img28 > 10)
    crop = img28[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32) / 255.0
    h, w = crop.shape
    s = max(h, w)
    sq = np.zeros((s, s), np.float32)
    sq[(s - h) // 2:(s - h) // 2 + h, (s - w) // 2:(s - w) // 2 + w] = crop
    return F.interpolate(torch.from_numpy(sq)[None, None], size=(size, size), mode="area")[0, 0].numpy()


def bits(mask):
    """A 32x32 mask as base64 of its row-major bits, most significant bit first."""
    return base64.b64encode(np.packbits(mask.ravel().astype(np.uint8)).tobytes()).decode()


def main():
    x = read_idx(os.path.join(RES, "fmnist-test-sample-images-idx3-ubyte.gz"))
    rng = np.random.RandomState(7)
    cols = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 1, 1), (1, 0.5, 0), (0.6, 0.2, 1)]
    cases = []
    for n in range(N_CANVAS):
        canvas = np.zeros((3, 32, 32), np.float32)
        for _ in range(rng.randint(1, 5)):
            size = 14 if rng.rand() < 0.7 else rng.randint(18, 27)
            g = item(x[rng.randint(len(x))], size)
            gain = 1.0 if rng.rand() < 0.8 else rng.uniform(0.25, 0.5)
            y0, x0 = rng.randint(0, 33 - size), rng.randint(0, 33 - size)
            rgb = cols[rng.randint(len(cols))]
            for c in range(3):
                canvas[c, y0:y0 + size, x0:x0 + size] = np.maximum(canvas[c, y0:y0 + size, x0:x0 + size], g * rgb[c] * gain)
        if rng.rand() < 0.3:
            canvas = np.clip(canvas + rng.normal(0, 0.08, canvas.shape).astype(np.float32), 0, 1)
        q = np.round(canvas * 255).astype(np.uint8)
        img = (q.astype(np.float32) / np.float32(255)) * np.float32(2) - np.float32(1)
        rgb, v, parts = ev.find_parts(img)
        out = []
        for (P, reg) in parts:
            p = {"fg": bits(P), "region": bits(reg),
                 "colour": ev.part_colour(rgb, v, P)}
            if n < N_WITH_CROPS:
                crop = ev.canonical_crop(v * reg, ev.FINDER["canonical_threshold"])
                p["crop"] = [round(float(c), 6) for c in crop.ravel()]
            out.append(p)
        cases.append({"canvas_u8": base64.b64encode(q.tobytes()).decode(), "parts": out})
    golden = {"finder": ev.FINDER, "cases": cases}
    if len(sys.argv) > 2:
        clf_path = os.path.join(sys.argv[2], "classifier.pt")
        clf = ev.load_classifier(clf_path)
        imgs = np.stack([(np.frombuffer(base64.b64decode(c["canvas_u8"]), np.uint8).reshape(3, 32, 32)
                          .astype(np.float32) / np.float32(255)) * np.float32(2) - np.float32(1) for c in cases])
        with open(clf_path, "rb") as f:
            golden["classifier_sha256"] = hashlib.sha256(f.read()).hexdigest()
        golden["detections"] = [[{"class": o["class"], "prob": round(o["prob"], 6), "colour": o["colour"],
                                  "pixels": o["pixels"]} for o in d] for d in ev.detect(imgs, clf)]
    path = os.path.join(RES, "finder-golden.json.gz")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(json.dumps(golden).encode())
    nparts = [len(c["parts"]) for c in cases]
    print("wrote", path, "canvases", len(cases), "parts", sum(nparts), "max parts", max(nparts))


if __name__ == "__main__":
    main()
