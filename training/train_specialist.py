"""Train one dnd specialist (a small pixel-space diffusion model conditioned only on its own
target items, through cross-attention) with attention supervision; checkpoint and export to
the model contract every --export-every steps.

Example (what shipped; see training/README.md):
  nice -n 19 /usr/bin/python3 training/train_specialist.py --name apparel \
      --items trouser dress --steps 3000
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnd_common import (CanvasMaker, COLOURS, UNUSED_CLASSES, PAD, CTX_LEN,  # noqa: E402
                        linear_alphas_cumprod, count_params, average_attention)
from export import build_net, export  # noqa: E402


def make_vocab(items):
    v = {"<start>": 0, "<null>": 1, "<pad>": 2}
    for n in list(items) + COLOURS + UNUSED_CLASSES:
        v[n] = len(v)
    return v


def attention_loss(maps, avg8, tokens, tmask, nmask, cond):
    """Cross-entropy of each layer's per-pixel token distribution against a target
    distribution (item 0.6 + colour 0.4 on the target item's pixels, item 1.0 if no colour
    token; named distractor token on its distractor's pixels; START everywhere else), plus the
    cross-entropy of the normalised item-token map (averaged 8x8) against the normalised
    target mask. Only conditional samples count."""
    if cond.sum() == 0:
        return torch.zeros(())
    has_col = (tokens[:, 2] != PAD).float()[:, None, None, None]
    has_name = (tokens[:, 3] != PAD).float()[:, None, None, None]
    total = 0.0
    for a in maps:
        h, w = a.shape[2], a.shape[3]
        mt = F.adaptive_avg_pool2d(tmask, (h, w))
        mn = F.adaptive_avg_pool2d(nmask, (h, w)) * has_name
        tgt = torch.cat([(1.0 - mt - mn).clamp(min=0.0),
                         mt * (1.0 - 0.4 * has_col),
                         mt * 0.4 * has_col,
                         mn], dim=1)
        wpix = 1.0 + 4.0 * (mt + mn)
        ce = -(tgt * torch.log(a + 1e-8)).sum(1, keepdim=True) * wpix
        ce = ce.sum(dim=[1, 2, 3]) / wpix.sum(dim=[1, 2, 3])
        total = total + ce
    total = total / len(maps)
    mt8 = F.adaptive_avg_pool2d(tmask, (8, 8))[:, 0]
    q = mt8 / (mt8.sum(dim=[1, 2], keepdim=True) + 1e-8)
    p = avg8[:, 1] / (avg8[:, 1].sum(dim=[1, 2], keepdim=True) + 1e-12)
    nce = -(q * torch.log(p + 1e-8)).sum(dim=[1, 2])
    per = total + nce
    c = cond.float()
    return (per * c).sum() / c.sum()


def training_loss(net, b, ac, attn_weight):
    """The training objective on one CanvasMaker batch b (tensors on the net's device): noise
    the canvases at uniform t, eps MSE plus attn_weight x the attention-supervision loss.
    Returns (loss, mse, att)."""
    x0 = b["x"]
    t = torch.randint(0, 1000, (x0.shape[0],), device=x0.device)
    noise = torch.randn_like(x0)
    sa = ac[t].sqrt()[:, None, None, None]
    sn = (1 - ac[t]).sqrt()[:, None, None, None]
    eps, maps = net(sa * x0 + sn * noise, t, b["tokens"])
    mse = F.mse_loss(eps, noise)
    att = attention_loss(maps, average_attention(maps), b["tokens"], b["tmask"], b["nmask"], b["cond"])
    return mse + attn_weight * att, mse, att


def ema_update(ema, net, decay):
    with torch.no_grad():
        for pe, pn in zip(ema.parameters(), net.parameters()):
            pe.mul_(decay).add_(pn.detach(), alpha=1 - decay)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--items", nargs="+", required=True)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--attn-weight", type=float, default=0.1)
    ap.add_argument("--ch", type=int, nargs=3, default=[32, 64, 96])
    ap.add_argument("--cdim", type=int, default=64)
    ap.add_argument("--adim", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--tdim", type=int, default=128)
    ap.add_argument("--ema", type=float, default=0.998)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--export-every", type=int, default=250)
    ap.add_argument("--workdir", default="/tmp/train")
    ap.add_argument("--models-dir", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models"))
    ap.add_argument("--fixture", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--deadline", default="", help="UTC HH:MM: stop (and export) by then")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    items = [s.replace("_", " ") for s in a.items]
    vocab = make_vocab(items)
    cmd = "/usr/bin/python3 training/train_specialist.py " + " ".join(sys.argv[1:])
    cfg = dict(name=a.name, items=items, vocab=vocab, ch=a.ch, cdim=a.cdim, adim=a.adim,
               heads=a.heads, tdim=a.tdim, fixture=a.fixture, version="1",
               description=("Pixel-space eps-prediction UNet (%s channels, cross-attention at "
                            "16x16 and 8x8 over a 4-token context; condition only through "
                            "cross-attention). Trained on 32x32 canvases: one target item "
                            "(Fashion-MNIST train split, bounding box area-downscaled to 14 px, "
                            "tinted red/green/blue/yellow) at a random position plus 0-2 "
                            "unlabelled distractors of other classes; distractors of unused "
                            "classes (t-shirt, pullover, coat, shirt) named in context "
                            "position 3 with p=0.5; 10%% condition dropout; 15%% bare-item "
                            "contexts; attention-supervision loss (weight %g). Adam lr %g, "
                            "batch %d, EMA %g. Command: %s") % (
                               a.ch, a.attn_weight, a.lr, a.batch, a.ema, cmd))
    wd = os.path.join(a.workdir, a.name)
    os.makedirs(wd, exist_ok=True)
    ckpt_path = os.path.join(wd, "ckpt.pt")

    net = build_net(cfg)
    ema = build_net(cfg)
    ema.load_state_dict(net.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    step = 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu")
        net.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
        print("resumed at step", step, flush=True)
    print("params", count_params(net), "vocab", vocab, flush=True)

    maker = CanvasMaker(items, vocab, split="train", seed=a.seed + 1000 * step + 1)
    ac = linear_alphas_cumprod()
    deadline = None
    if a.deadline:
        hh, mm = [int(v) for v in a.deadline.split(":")]
        now = time.gmtime()
        deadline = time.time() + ((hh * 60 + mm) - (now.tm_hour * 60 + now.tm_min)) * 60 \
            - now.tm_sec

    def save_and_export():
        tmp = ckpt_path + ".tmp"
        torch.save(dict(model=net.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(),
                        step=step, cfg=cfg), tmp)
        os.replace(tmp, ckpt_path)
        t0 = time.time()
        export(ckpt_path, os.path.join(a.models_dir, a.name))
        print("step %d exported (%.1fs)" % (step, time.time() - t0), flush=True)

    t_start = time.time()
    acc = {"loss": 0.0, "mse": 0.0, "att": 0.0, "n": 0}
    while step < a.steps:
        net.train()
        loss, mse, att = training_loss(net, maker.make(a.batch), ac, a.attn_weight)
        lr = a.lr * min(1.0, (step + 1) / 100.0)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        step += 1
        ema_update(ema, net, min(a.ema, (1.0 + step) / (10.0 + step)))
        acc["loss"] += loss.item()
        acc["mse"] += mse.item()
        acc["att"] += float(att)
        acc["n"] += 1
        if step % 25 == 0:
            n = acc["n"]
            print("step %d loss %.4f mse %.4f att %.4f  %.2fs/step elapsed %.0fs" % (
                step, acc["loss"] / n, acc["mse"] / n, acc["att"] / n,
                (time.time() - t_start) / max(1, step), time.time() - t_start), flush=True)
            acc = {"loss": 0.0, "mse": 0.0, "att": 0.0, "n": 0}
        if step % a.export_every == 0 or step == a.steps:
            save_and_export()
        if deadline is not None and time.time() > deadline:
            print("deadline reached at step", step, flush=True)
            if step % a.export_every != 0:
                save_and_export()
            break
    print("done step", step, "time %.0fs" % (time.time() - t_start), flush=True)


if __name__ == "__main__":
    main()
