"""Reference object finder + verdict (GenEval "objects with colours" style) for 32x32 RGB
canvases in [-1,1] on a black background. The Java port follows this file step by step.

Finder (all parameters in FINDER, also written to models/evaluator/evaluator.json):
 1. intensity v[y,x] = max over RGB of clamp((x+1)/2, 0, 1)                       (32x32)
 2. foreground fg = v > threshold (0.2)
 3. dil = 3x3 binary dilation of fg (a pixel is on if any of its 3x3 neighbours is in fg;
    out-of-canvas neighbours are off)
 4. 8-connected components of dil, labelled in row-major scan order (BFS / flood fill)
 5. per component: P = its pixels that are in fg. Drop it if |P| < min_pixels (6).
 6. split (a queue of regions, starting with the component at depth 0): P = region & fg;
    if depth < max_split_depth (2) and (|P| > split_if_area_over (200) or the bounding box
    of P has a side > split_if_side_over (16)): 2-means on the (row, col) coordinates of P. Init: the two
    centroids are the first and the last pixel of P in the order of the longer bbox axis
    (rows if height >= width, else columns; ties by scan order). 10 Lloyd iterations (assign
    to the nearer centroid, ties to centroid 0; recompute means). Each pixel of the
    region's pixels is given to the nearer final centroid: two sub-regions (distance ties to
    centroid 0), each with fg pixels >= min_pixels goes back into the queue at depth+1.
    Otherwise the region is a part (an object).
 7. per part: crop = v * (1 on the part's dilated pixels, 0 elsewhere) (32x32); canonical
    28x28 crop: bounding box of crop > 0.1 * max(crop), zero-pad to a centred square
    (offset (s-h)//2, (s-w)//2), bilinear resize to 28x28 (align_corners=false, i.e. PyTorch
    F.interpolate bilinear: for output index o, scale = s/28, src = max(0, (o+0.5)*scale - 0.5),
    i0 = floor(src), i1 = min(i0+1, s-1), frac = src - i0, separably in rows and columns, no
    antialiasing); classifier input [1,1,28,28] in [0,1]; logits -> softmax; class = argmax,
    kept if its probability >= min_class_prob.
 8. colour of a part: over its fg pixels with v >= colour_min_intensity (0.3) (if none: all its
    fg pixels): chroma = rgb01 / v; nearest reference (squared L2) among red (1,0,0),
    green (0,1,0), blue (0,0,1), yellow (1,1,0), white (1,1,1); votes weighted by v;
    colour = the reference with the largest total vote (ties: that order).
Verdict: required = list of (class, colour or None). True iff there is an injective
assignment of requirements to found objects with the same class (and the same colour when
one is required) -- brute force over permutations (n <= 3 objects/requirements are small).

  nice -n 19 /usr/bin/python3 training/evaluator.py --measure     (precision on real TEST canvases)
"""
import argparse
import itertools
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnd_common import (CLASS_NAMES, COLOURS, PALETTE, WHITE, CANVAS,  # noqa: E402
                        item_bank, boxes_clear)

FINDER = {"intensity": "max over RGB of clamp((x+1)/2,0,1)", "threshold": 0.2,
          "dilation": "3x3", "connectivity": 8, "min_pixels": 6,
          "split_if_area_over": 200, "split_if_side_over": 16, "kmeans_iters": 10,
          "max_split_depth": 2,
          "canonical_threshold": 0.1, "colour_min_intensity": 0.3,
          "colour_refs": {"red": [1, 0, 0], "green": [0, 1, 0], "blue": [0, 0, 1],
                          "yellow": [1, 1, 0], "white": [1, 1, 1]},
          "min_class_prob": 0.5}
COLOUR_REF_NAMES = ["red", "green", "blue", "yellow", "white"]
COLOUR_REFS = np.array([FINDER["colour_refs"][c] for c in COLOUR_REF_NAMES], np.float32)
MODELS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models")


def load_classifier(path=os.path.join(MODELS, "evaluator", "classifier.pt")):
    m = torch.jit.load(path)
    m.eval()
    return m


def dilate3(mask):
    p = np.pad(mask, 1)
    out = np.zeros_like(mask)
    H, W = mask.shape
    for dy in range(3):
        for dx in range(3):
            out |= p[dy:dy + H, dx:dx + W]
    return out


def components8(mask):
    """8-connected components, labels 1..n in row-major order of their first pixel."""
    H, W = mask.shape
    lab = np.zeros((H, W), np.int32)
    n = 0
    for y in range(H):
        for x in range(W):
            if mask[y, x] and lab[y, x] == 0:
                n += 1
                stack = [(y, x)]
                lab[y, x] = n
                while stack:
                    cy, cx = stack.pop()
                    for dy in (-1, 0, 1):
                        for dx in (-1, 0, 1):
                            ny, nx = cy + dy, cx + dx
                            if 0 <= ny < H and 0 <= nx < W and mask[ny, nx] and lab[ny, nx] == 0:
                                lab[ny, nx] = n
                                stack.append((ny, nx))
    return lab, n


def two_means(pts, iters):
    """pts: [N,2] (row, col) float. Returns assignment of pts (0/1) and centroids."""
    h = pts[:, 0].max() - pts[:, 0].min()
    w = pts[:, 1].max() - pts[:, 1].min()
    axis = 0 if h >= w else 1
    order = np.argsort(pts[:, axis], kind="stable")
    c = np.stack([pts[order[0]], pts[order[-1]]]).astype(np.float64)
    a = np.zeros(len(pts), np.int64)
    for _ in range(iters):
        d0 = ((pts - c[0]) ** 2).sum(1)
        d1 = ((pts - c[1]) ** 2).sum(1)
        a = (d1 < d0).astype(np.int64)
        for k in range(2):
            if (a == k).any():
                c[k] = pts[a == k].mean(0)
    return a, c


def canonical_crop(crop, thr):
    m = crop > thr * max(crop.max(), 1e-6)
    ys, xs = np.nonzero(m)
    if len(ys) == 0:
        return np.zeros((28, 28), np.float32)
    r0, r1, c0, c1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    c = crop[r0:r1, c0:c1]
    h, w = c.shape
    s = max(h, w)
    sq = np.zeros((s, s), np.float32)
    sq[(s - h) // 2:(s - h) // 2 + h, (s - w) // 2:(s - w) // 2 + w] = c
    t = torch.from_numpy(sq)[None, None]
    return F.interpolate(t, size=(28, 28), mode="bilinear", align_corners=False)[0, 0].numpy()


def find_parts(img):
    """img: [3,32,32] float in [-1,1] (numpy or tensor). Returns (rgb01 [32,32,3], v, parts)
    where parts is a list of (fg_pixel_mask, region_mask) boolean 32x32 arrays."""
    if isinstance(img, torch.Tensor):
        img = img.detach().cpu().numpy()
    rgb = np.clip((img.astype(np.float32) + 1.0) / 2.0, 0.0, 1.0).transpose(1, 2, 0)
    v = rgb.max(2)
    fg = v > FINDER["threshold"]
    dil = dilate3(fg)
    lab, n = components8(dil)
    parts = []
    for k in range(1, n + 1):
        comp = lab == k
        if int((comp & fg).sum()) < FINDER["min_pixels"]:
            continue
        queue = [(comp, 0)]
        while queue:
            reg, depth = queue.pop(0)
            P = reg & fg
            ys, xs = np.nonzero(P)
            hh, ww = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
            big = len(ys) > FINDER["split_if_area_over"] or \
                max(hh, ww) > FINDER["split_if_side_over"]
            if not big or depth >= FINDER["max_split_depth"]:
                parts.append((P, reg))
                continue
            pts = np.stack([ys, xs], 1).astype(np.float64)
            _, cen = two_means(pts, FINDER["kmeans_iters"])
            ry, rx = np.nonzero(reg)
            rp = np.stack([ry, rx], 1).astype(np.float64)
            ra = (((rp - cen[1]) ** 2).sum(1) < ((rp - cen[0]) ** 2).sum(1)).astype(np.int64)
            for j in range(2):
                sub = np.zeros_like(reg)
                sub[ry[ra == j], rx[ra == j]] = True
                if int((sub & fg).sum()) >= FINDER["min_pixels"]:
                    queue.append((sub, depth + 1))
    return rgb, v, parts


def part_colour(rgb, v, P):
    sel = P & (v >= FINDER["colour_min_intensity"])
    if not sel.any():
        sel = P
    px = rgb[sel]
    vv = v[sel]
    chroma = px / np.maximum(vv[:, None], 1e-6)
    d = ((chroma[:, None, :] - COLOUR_REFS[None, :, :]) ** 2).sum(2)
    nearest = d.argmin(1)
    votes = np.zeros(len(COLOUR_REF_NAMES))
    for k in range(len(COLOUR_REF_NAMES)):
        votes[k] = vv[nearest == k].sum()
    return COLOUR_REF_NAMES[int(votes.argmax())]


def detect(imgs, clf):
    """imgs: [B,3,32,32] in [-1,1]. Returns per image a list of dicts
    {class, prob, colour, pixels}. Objects below min_class_prob get class None."""
    crops, meta = [], []
    for b in range(len(imgs)):
        rgb, v, parts = find_parts(imgs[b])
        for (P, reg) in parts:
            crops.append(canonical_crop(v * reg, FINDER["canonical_threshold"]))
            meta.append((b, part_colour(rgb, v, P), int(P.sum())))
    out = [[] for _ in range(len(imgs))]
    if crops:
        with torch.no_grad():
            logits = clf(torch.from_numpy(np.stack(crops))[:, None])
        prob = torch.softmax(logits, 1)
        pmax, arg = prob.max(1)
        for (b, col, npx), p, a in zip(meta, pmax.tolist(), arg.tolist()):
            cls = CLASS_NAMES[a] if p >= FINDER["min_class_prob"] else None
            out[b].append({"class": cls, "prob": p, "colour": col, "pixels": npx})
    return out


def verdict(objects, required):
    """required: list of (class_name, colour_name or None)."""
    n, m = len(required), len(objects)
    if n > m:
        return False
    for perm in itertools.permutations(range(m), n):
        ok = True
        for (cls, col), j in zip(required, perm):
            o = objects[j]
            if o["class"] != cls or (col is not None and o["colour"] != col):
                ok = False
                break
        if ok:
            return True
    return False


# ----------------------------------------------------------------------------- measurement
TARGETS = ["trouser", "dress", "sneaker", "ankle boot", "bag", "sandal"]
UNUSED = ["t-shirt", "pullover", "coat", "shirt"]


class TestComposer:
    def __init__(self, seed=0):
        self.patches, self.boxes, self.labels = item_bank("test")
        self.by = {c: np.nonzero(self.labels == c)[0] for c in range(10)}
        self.rng = np.random.RandomState(seed)

    def compose(self, objs, gap=1):
        """objs: list of (class_name, rgb). Returns canvas [3,32,32] in [-1,1] or None."""
        img = np.zeros((3, CANVAS, CANVAS), np.float32)
        taken = []
        for cls, rgb in objs:
            c = CLASS_NAMES.index(cls)
            idx = self.by[c][self.rng.randint(len(self.by[c]))]
            r0, r1, c0, c1 = [int(x) for x in self.boxes[idx]]
            h, w = r1 - r0, c1 - c0
            box = None
            for _ in range(50):
                y = self.rng.randint(0, CANVAS - h + 1)
                x = self.rng.randint(0, CANVAS - w + 1)
                bb = (y, y + h, x, x + w)
                if boxes_clear(bb, taken, gap):
                    box = bb
                    break
            if box is None:
                return None
            taken.append(box)
            g = self.patches[idx, r0:r1, c0:c1]
            for ch in range(3):
                img[ch, box[0]:box[1], box[2]:box[3]] = np.maximum(
                    img[ch, box[0]:box[1], box[2]:box[3]], g * rgb[ch])
        return img * 2.0 - 1.0


def measure(n_pairs=600, n_single=600, seed=0):
    clf = load_classifier()
    comp = TestComposer(seed)
    rng = comp.rng
    t0 = time.time()

    def rnd_distr(k):
        out = []
        for _ in range(k):
            ci = rng.randint(5)
            out.append((UNUSED[rng.randint(4)], WHITE if ci == 4 else PALETTE[COLOURS[ci]]))
        return out

    res = {}
    # two-object requirement, positives and negatives (one requirement broken)
    cases = []   # (img, required, label)
    kinds = []
    while len(cases) < 2 * n_pairs:
        a, b = rng.choice(len(TARGETS), 2, replace=False)
        req = [(TARGETS[a], COLOURS[rng.randint(4)]), (TARGETS[b], COLOURS[rng.randint(4)])]
        positive = len(cases) % 2 == 0
        objs = [(c, PALETTE[col]) for c, col in req]
        kind = "positive"
        if not positive:
            j = rng.randint(2)
            kind = ["other_class", "other_colour", "missing"][rng.randint(3)]
            if kind == "other_class":
                others = [c for c in CLASS_NAMES if c not in (req[0][0], req[1][0])]
                objs[j] = (others[rng.randint(len(others))], objs[j][1])
            elif kind == "other_colour":
                cols = [c for c in COLOURS if c != req[j][1]]
                objs[j] = (objs[j][0], PALETTE[cols[rng.randint(3)]])
            else:
                objs.pop(j)
        objs += rnd_distr(rng.randint(0, 2))
        img = comp.compose(objs)
        if img is None:
            continue
        cases.append((img, req, positive))
        kinds.append(kind)
    imgs = np.stack([c[0] for c in cases])
    dets = []
    for i in range(0, len(imgs), 100):
        dets += detect(imgs[i:i + 100], clf)
    pred = np.array([verdict(d, c[1]) for d, c in zip(dets, cases)])
    lab = np.array([c[2] for c in cases])
    tp = int((pred & lab).sum())
    fp = int((pred & ~lab).sum())
    res["two_objects"] = {"n": len(cases), "positives": int(lab.sum()),
                          "precision": round(tp / max(1, tp + fp), 4),
                          "recall": round(tp / max(1, lab.sum()), 4),
                          "false_positive_by_kind": {k: int(sum(1 for p, l, kk in zip(
                              pred, lab, kinds) if p and not l and kk == k))
                              for k in ["other_class", "other_colour", "missing"]}}
    # single-object requirement (the single-concept test), positives and negatives
    cases, kinds = [], []
    while len(cases) < 2 * n_single:
        a = rng.randint(len(TARGETS))
        req = [(TARGETS[a], COLOURS[rng.randint(4)])]
        positive = len(cases) % 2 == 0
        objs = [(req[0][0], PALETTE[req[0][1]])]
        kind = "positive"
        if not positive:
            kind = ["other_class", "other_colour"][rng.randint(2)]
            if kind == "other_class":
                others = [c for c in CLASS_NAMES if c != req[0][0]]
                objs[0] = (others[rng.randint(len(others))], objs[0][1])
            else:
                cols = [c for c in COLOURS if c != req[0][1]]
                objs[0] = (objs[0][0], PALETTE[cols[rng.randint(3)]])
        objs += rnd_distr(rng.randint(0, 3))
        img = comp.compose(objs)
        if img is None:
            continue
        cases.append((img, req, positive))
        kinds.append(kind)
    imgs = np.stack([c[0] for c in cases])
    dets = []
    for i in range(0, len(imgs), 100):
        dets += detect(imgs[i:i + 100], clf)
    pred = np.array([verdict(d, c[1]) for d, c in zip(dets, cases)])
    lab = np.array([c[2] for c in cases])
    tp = int((pred & lab).sum())
    fp = int((pred & ~lab).sum())
    res["one_object"] = {"n": len(cases), "positives": int(lab.sum()),
                         "precision": round(tp / max(1, tp + fp), 4),
                         "recall": round(tp / max(1, lab.sum()), 4)}
    res["seconds"] = round(time.time() - t0)
    return res


if __name__ == "__main__":
    torch.set_num_threads(1)
    ap = argparse.ArgumentParser()
    ap.add_argument("--measure", action="store_true")
    ap.add_argument("--n", type=int, default=600)
    a = ap.parse_args()
    if a.measure:
        r = measure(a.n, a.n)
        r["finder"] = FINDER
        print(json.dumps(r, indent=1))
        path = os.path.join(MODELS, "evaluator", "evaluator.json")
        with open(path) as f:
            card = json.load(f)
        card["finder"] = FINDER
        card["verdict_measurement"] = {k: v for k, v in r.items() if k != "finder"}
        card["verdict_measurement"]["setup"] = (
            "canvases composed from real Fashion-MNIST TEST items (14 px, random palette "
            "colours), 0-1 (two-object) or 0-2 (one-object) distractors of unused classes "
            "(random palette colour or white); half positives, half negatives with one "
            "requirement broken (other class in the same colour / other colour / missing)")
        with open(path, "w") as f:
            json.dump(card, f, indent=2)
            f.write("\n")
