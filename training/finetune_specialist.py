"""Fine-tune a specialist from a training checkpoint with a larger batch and a learning rate that
decays to zero (cosine), on a GPU where there is one. The CPU runs of train_specialist.py use a
constant rate, and their samples stopped improving at 10-14k steps (training/README.md); the decay
is what moved them (session 5: apparel dress 87 -> 93%).

Same data, losses and network as train_specialist.py (CanvasMaker canvases, eps MSE + 0.1 x the
attention-supervision loss); a fresh Adam; EMA 0.999. Writes a checkpoint in train_specialist's
format (model, ema, step, cfg; no optimizer state) and, unless --no-export, exports the EMA
weights to the model contract. Export where the models are served from: the shipped files are
exported with Debian's PyTorch 1.13 (what DJL's libtorch loads), so on a GPU host with a newer
PyTorch pass --no-export and run export.py on the checkpoint afterwards.

  python3 training/finetune_specialist.py --from /tmp/train/apparel/ckpt.pt --steps 4330 \
      --out-ckpt /tmp/apparel-ft.pt --no-export          # on the GPU host (about 4 min on an H200)
  /usr/bin/python3 training/export.py --ckpt /tmp/apparel-ft.pt --out models/apparel
"""
import argparse
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnd_common import CanvasMaker, linear_alphas_cumprod  # noqa: E402
from export import build_net, export  # noqa: E402
from train_specialist import ema_update, training_loss  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", required=True, help="train_specialist.py checkpoint")
    ap.add_argument("--steps", type=int, required=True, help="steps of the cosine schedule")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=5e-4, help="initial rate, decayed to 0")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--attn-weight", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--data-seed", type=int, default=4242)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--out-ckpt", required=True)
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--models-dir", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models"))
    a = ap.parse_args()
    dev = a.device
    ck = torch.load(a.src, map_location="cpu")
    cfg, base = dict(ck["cfg"]), int(ck["step"])
    torch.manual_seed(a.seed)
    net = build_net(cfg)
    net.load_state_dict(ck["model"])
    net.to(dev)
    ema = build_net(cfg)
    ema.load_state_dict(ck["ema"])
    ema.to(dev)
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    maker = CanvasMaker(cfg["items"], cfg["vocab"], split="train", seed=a.data_seed)
    ac = linear_alphas_cumprod().to(dev).float()
    t0 = time.time()
    for step in range(a.steps):
        b = {k: (v.to(dev) if torch.is_tensor(v) else v) for k, v in maker.make(a.batch).items()}
        loss, mse, _ = training_loss(net, b, ac, a.attn_weight)
        for g in opt.param_groups:
            g["lr"] = a.lr * 0.5 * (1 + math.cos(math.pi * step / a.steps))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        ema_update(ema, net, a.ema)
        if (step + 1) % 500 == 0:
            print("step %d/%d mse %.4f lr %.2e %.0fs" % (step + 1, a.steps, mse.item(),
                                                      opt.param_groups[0]["lr"], time.time() - t0), flush=True)
    cfg["description"] = cfg["description"] + (
        " Base: %d steps of batch 64 on CPU; then fine-tuned on a GPU by training/finetune_specialist.py: "
        "%d steps of batch %d, Adam lr %g cosine-decayed to 0, EMA %g (session 5).") % (
        base, a.steps, a.batch, a.lr, a.ema)
    cpu = lambda m: {k: v.detach().cpu() for k, v in m.state_dict().items()}  # noqa: E731
    torch.save(dict(model=cpu(net), ema=cpu(ema), opt=None, step=base + a.steps, cfg=cfg), a.out_ckpt)
    print("saved %s (%.0fs)" % (a.out_ckpt, time.time() - t0), flush=True)
    if not a.no_export:
        export(a.out_ckpt, os.path.join(a.models_dir, cfg["name"]))
        print("exported", cfg["name"], flush=True)


if __name__ == "__main__":
    main()
