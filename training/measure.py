"""Measurements of a shipped specialist (models/<name>/model.pt + model.json), through the
TorchScript file exactly as Java sees it.

 (a) attention ratio: held-out canvases from the Fashion-MNIST TEST split, each with a target
     item and 1-2 distractors (any non-target class, unlabelled), context
     [<start>, item, colour, <pad>] (what Java builds). Noised to t in {200,400,600} (fixed
     noise). The item-token map (attn[:,1], 8x8) is normalised to sum 1 and upsampled
     (nearest) to 32x32; "mass per pixel" in a box = mean of that map over the box's pixels.
     Reported: target-box mass/pixel / canvas mean (1/1024), same for distractor boxes, and
     the quotient target / distractor (mean over canvases of the per-canvas quotient, and
     quotient of the means).
 (b) single-concept quality: 25 samples per (item, colour) -> 200 per two-item specialist,
     DDIM 25 steps (leading spacing, t = 40k+1, alpha_bar_final = alpha_bar_0), eta 1 (DDPM's
     ancestral noise, none after the last step; --eta 0 for deterministic DDIM), as dnd's
     sampler with `dnd eval`'s defaults, CFG at
     the card's guidance_scale w (eps_u + w (eps_c - eps_u); --guidance overrides), x0-hat
     clipped to [-1, 1] as dnd's sampler does by default (--noclip-too adds a run without);
     judged by training/evaluator.py: success =
     verdict([(item, colour)]) (an object of that class in that colour is found);
     also "exactly one object found" and "right class regardless of colour".

  nice -n 19 /usr/bin/python3 training/measure.py --name apparel [--samples-per 25]
Writes models/<name>/measurements.json and a sample grid /tmp/train/<name>_samples.png(ppm).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnd_common import CanvasMaker, COLOURS, ddim_sigma, linear_alphas_cumprod, PAD  # noqa: E402
import evaluator as ev  # noqa: E402

MODELS = ev.MODELS


def load(name):
    d = os.path.join(MODELS, name)
    with open(os.path.join(d, "model.json")) as f:
        card = json.load(f)
    m = torch.jit.load(os.path.join(d, card["file"]))
    m.eval()
    return m, card


def attention_ratio(m, card, n=96, ts=(200, 400, 600), seed=123):
    vocab = card["tokens"]
    maker = CanvasMaker(card["items"], vocab, split="test", seed=seed, p_bare=0.0,
                        p_uncond=0.0)
    b = maker.make(n, force_cond=True, n_distr=2, name_prob=0.0)
    keep = [i for i in range(n) if len(b["dboxes"][i]) > 0]
    x0 = b["x"][keep]
    tokens = b["tokens"][keep]
    tokens[:, 3] = PAD
    tbox = b["tbox"][keep]
    dboxes = [b["dboxes"][i] for i in keep]
    ac = linear_alphas_cumprod()
    g = torch.Generator().manual_seed(seed)
    noise = torch.randn(x0.shape, generator=g)
    out = {"canvases": len(keep)}
    for t in ts:
        xt = ac[t].sqrt() * x0 + (1 - ac[t]).sqrt() * noise
        with torch.no_grad():
            _, attn = m(xt, torch.full((len(keep),), t, dtype=torch.int64), tokens)
        a = attn[:, 1]
        a = a / a.sum(dim=[1, 2], keepdim=True)
        up = torch.repeat_interleave(torch.repeat_interleave(a, 4, 1), 4, 2) / 16.0  # 32x32
        base = 1.0 / 1024.0
        tr, dr, q = [], [], []
        for i in range(len(keep)):
            y0, y1, x0_, x1 = [int(v) for v in tbox[i]]
            tv = up[i, y0:y1, x0_:x1].mean().item() / base
            ds = [up[i, d[0]:d[1], d[2]:d[3]].mean().item() / base for d in dboxes[i]]
            dv = float(np.mean(ds))
            tr.append(tv)
            dr.append(dv)
            q.append(tv / max(dv, 1e-9))
        out["t%d" % t] = {"target_box": round(float(np.mean(tr)), 3),
                          "distractor_box": round(float(np.mean(dr)), 3),
                          "ratio_of_means": round(float(np.mean(tr) / np.mean(dr)), 3),
                          "mean_per_canvas_ratio": round(float(np.mean(q)), 3),
                          "median_per_canvas_ratio": round(float(np.median(q)), 3)}
    return out


def ddim_grid(K=25, T=1000):
    r = T // K
    return [r * k + 1 for k in range(K - 1, -1, -1)], r


def sample(m, tokens, K=25, w=3.0, seed=0, clip=False, eta=0.0):
    B = tokens.shape[0]
    ac = linear_alphas_cumprod().double()
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((B, 3, 32, 32), generator=g)
    unc = torch.tensor([[0, 1, 2, 2]] * B, dtype=torch.int64)
    grid, r = ddim_grid(K)
    for t in grid:
        s = t - r
        a_t = ac[t].item()
        a_s = ac[s].item() if s >= 0 else ac[0].item()
        tt = torch.full((2 * B,), t, dtype=torch.int64)
        with torch.no_grad():
            eps, _ = m(torch.cat([x, x]), tt, torch.cat([tokens, unc]))
        ec, eu = eps[:B], eps[B:]
        e = eu + w * (ec - eu)
        x0 = (x - (1 - a_t) ** 0.5 * e) / a_t ** 0.5
        if clip:
            x0 = x0.clamp(-1, 1)
            e = (x - a_t ** 0.5 * x0) / (1 - a_t) ** 0.5
        sig = ddim_sigma(a_t, a_s, eta)
        x = a_s ** 0.5 * x0 + max(0.0, 1 - a_s - sig ** 2) ** 0.5 * e
        if sig > 0 and t != grid[-1]:  # Java's sampler adds no noise after the last step
            x = x + sig * torch.randn(x.shape, generator=g)
    return x


def save_grid(imgs, path, ncol=20):
    imgs = ((imgs.clamp(-1, 1) + 1) * 127.5).round().byte().numpy()
    n = len(imgs)
    nrow = (n + ncol - 1) // ncol
    H = 34
    canvas = np.full((nrow * H, ncol * H, 3), 64, np.uint8)
    for i in range(n):
        r, c = divmod(i, ncol)
        canvas[r * H + 1:r * H + 33, c * H + 1:c * H + 33] = imgs[i].transpose(1, 2, 0)
    if path.endswith(".png"):
        write_png(path, canvas)
        return
    with open(path, "wb") as f:
        f.write(b"P6 %d %d 255\n" % (canvas.shape[1], canvas.shape[0]))
        f.write(canvas.tobytes())


def write_png(path, rgb, scale=3):
    import struct
    import zlib
    rgb = np.repeat(np.repeat(rgb, scale, 0), scale, 1)
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def single_concept(m, card, per=25, seed=0, clip=True, bare=False, w=3.0, eta=1.0):
    vocab = card["tokens"]
    toks, req = [], []
    for it in card["items"]:
        for col in COLOURS:
            for _ in range(per):
                toks.append([0, vocab[it], 2 if bare else vocab[col], 2])
                req.append((it, None if bare else col))
    tokens = torch.tensor(toks, dtype=torch.int64)
    t0 = time.time()
    xs = []
    for i in range(0, len(tokens), 100):
        xs.append(sample(m, tokens[i:i + 100], w=w, seed=seed + i, clip=clip, eta=eta))
    x = torch.cat(xs)
    st = time.time() - t0
    clf = ev.load_classifier()
    dets = []
    for i in range(0, len(x), 100):
        dets += ev.detect(x[i:i + 100], clf)
    ok = [ev.verdict(d, [r]) for d, r in zip(dets, req)]
    cls_ok = [ev.verdict(d, [(r[0], None)]) for d, r in zip(dets, req)]
    one = [len(d) == 1 for d in dets]
    per_item = {}
    for it in card["items"]:
        idx = [i for i, r in enumerate(req) if r[0] == it]
        per_item[it] = round(float(np.mean([ok[i] for i in idx])), 3)
    per_col = {}
    if not bare:
        for col in COLOURS:
            idx = [i for i, r in enumerate(req) if r[1] == col]
            per_col[col] = round(float(np.mean([ok[i] for i in idx])), 3)
    return x, {"n": len(req), "right_item_and_colour": round(float(np.mean(ok)), 4),
               "right_item_any_colour": round(float(np.mean(cls_ok)), 4),
               "exactly_one_object": round(float(np.mean(one)), 4),
               "per_item": per_item, "per_colour": per_col,
               "sampling_seconds": round(st, 1), "x0_clipping": clip, "guidance_scale": w, "eta": eta}


if __name__ == "__main__":
    torch.set_num_threads(1)
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--samples-per", type=int, default=25)
    ap.add_argument("--skip-samples", action="store_true")
    ap.add_argument("--noclip-too", action="store_true", help="also measure without x0-hat clipping")
    ap.add_argument("--guidance", type=float, default=None, help="CFG scale (default: the card's guidance_scale)")
    ap.add_argument("--eta", type=float, default=1.0, help="DDIM eta (default 1: DDPM's ancestral noise; 0: deterministic)")
    ap.add_argument("--eta0-too", action="store_true", help="also measure with eta 0 (deterministic DDIM)")
    a = ap.parse_args()
    m, card = load(a.name)
    import re
    mm = re.search(r"Checkpoint: (\d+) training steps", card.get("description", ""))
    res = {"model": a.name,
           "training_steps": int(mm.group(1)) if mm else card.get("training_steps")}
    res["attention"] = attention_ratio(m, card)
    print(json.dumps(res, indent=1), flush=True)
    if not a.skip_samples:
        w = a.guidance if a.guidance is not None else float(card["guidance_scale"])
        x, r = single_concept(m, card, a.samples_per, w=w, eta=a.eta)
        res["single_concept"] = r
        save_grid(x, "/tmp/train/%s_samples.png" % a.name)
        if a.noclip_too:
            _, r2 = single_concept(m, card, a.samples_per, clip=False, w=w, eta=a.eta)
            res["single_concept_noclip"] = r2
        if a.eta0_too:
            _, r3 = single_concept(m, card, a.samples_per, w=w, eta=0.0)
            res["single_concept_eta0"] = r3
    print(json.dumps(res, indent=1), flush=True)
    with open(os.path.join(MODELS, a.name, "measurements.json"), "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
