"""Writes a small, deterministic sample of the REAL Fashion-MNIST TEST split as gzipped IDX
files (same format as the Debian package), so the evaluator tests run on machines without
/usr/share/datasets/fashion-mnist: the first PER_CLASS test images of every class, in test-set
order.

  /usr/bin/python3 evaluator/src/test/python/make_fmnist_sample.py
"""
import gzip
import os
import struct

import numpy as np

SRC = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "dnd", "eval")
PER_CLASS = 40


def read(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 2051:
        n, r, c = struct.unpack(">III", data[4:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, r, c)
    n = struct.unpack(">I", data[4:8])[0]
    return np.frombuffer(data, np.uint8, offset=8).reshape(n)


def write(path, header, payload):
    # mtime=0 keeps the file bit-identical across runs
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(header + payload.tobytes())


x = read(os.path.join(SRC, "t10k-images-idx3-ubyte.gz"))
y = read(os.path.join(SRC, "t10k-labels-idx1-ubyte.gz"))
idx = sorted(i for c in range(10) for i in np.nonzero(y == c)[0][:PER_CLASS])
xs, ys = x[idx], y[idx]
os.makedirs(OUT, exist_ok=True)
write(os.path.join(OUT, "fmnist-test-sample-images-idx3-ubyte.gz"),
      struct.pack(">IIII", 2051, len(xs), 28, 28), xs)
write(os.path.join(OUT, "fmnist-test-sample-labels-idx1-ubyte.gz"),
      struct.pack(">II", 2049, len(ys)), ys)
print(len(xs), "images written to", os.path.normpath(OUT))
