"""Plain single-process PyTorch reference of composition over the shipped TorchScript models
(the same math as /work/shared/spec/algorithms.md sections 1.5, 2.3b, 2.4, 2.5, 3.1), for a
later benchmark against the distributed Java system.

Methods:
  dnd            Divide-and-Denoise with the attention utility (item token, position 1),
                 proportional fairness (shares (1-delta)/n), fictitious player, KL anchor
                 beta = beta_prime / m, optional guidance gamma (0 = off): each player's
                 objective G_i = sum_j (Q_ij - repel sum_{k!=i} Q_kj) u_ij differentiated through
                 its normalised 8x8 map (the model's utility_grad), the players' gradients summed,
                 normalised and scaled by gamma times the DDPM posterior sigma, as the Java
                 coordinator does with its shipped options (gamma 2, repel 2).
                 --guidance-from previous (what dnd ships with): the step-k guidance uses the
                 weights computed at the end of step k-1 (its allocation and normalised maps),
                 differentiated at x_k; step 0 has none. current: this step's (the spec's order).
  average        uniform blend of the players' CFG eps.
  multidiffusion fixed left/right halves (player i owns stripe i), optional bootstrapping
                 (first fraction of steps: player i sees its stripe over noised black).
Scheduler: DDIM, leading spacing (t = r k + 1), alpha_bar_final = alpha_bar_0, eta (0 default),
one shared noise draw after blending.  Features = the 32x32 pixel positions (m = 1024); the
8x8 attention map is upsampled bilinearly (align_corners=false) and normalised to sum 1.

  nice -n 19 /usr/bin/python3 training/peer_sampler.py --player apparel "red trouser" \
      --player accessories "blue bag" --method dnd --n 64
Prints the fraction of images where training/evaluator.py finds every required object in its
required colour ("all present"), and per-object rates.

Timing mode (what `./dnd bench peer` runs; MODEL may be a model directory):
  /usr/bin/python3 training/peer_sampler.py --bench --player models/apparel trouser \
      --player models/footwear sneaker --method dnd --steps 25 --repeats 3 --jobs 8
loads the models, runs one untimed job, then times: one job (1 image) --repeats times, --jobs jobs
one after another (a single-process loop serves one request at a time), and the same jobs as one
batch. Prints JSON with the times in ms; model loading is not timed.
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
from dnd_common import ddim_sigma, linear_alphas_cumprod  # noqa: E402
import evaluator as ev  # noqa: E402
from measure import ddim_grid, load, save_grid  # noqa: E402


def tokens_for(card, concept):
    v = card["tokens"]
    words = concept.split(" ", 1)
    if words[0] in card["colours"]:
        col, item = words[0], words[1]
        return [0, v[item], v[col], 2], (item, col)
    return [0, v[concept], 2, 2], (concept, None)


def solve_proportional(logP, u, beta, shares, lam0, lam_max, iters=50):
    """Batched dual solve (spec 2.4, proportional rows). logP [B,n+1,m]; u [B,n,m] (each row
    sums to 1); shares [n]. Returns lam [B,n], logQ [B,n+1,m], capped [B] bool."""
    B, n1, m = logP.shape
    n = n1 - 1
    lam = lam0.clamp(min=0).clone()
    uf = torch.cat([u, torch.full((B, 1, m), 1.0 / m)], 1)      # fictitious u = 1/m

    def tilt(lm):
        boost = torch.cat([lm, torch.zeros(B, 1)], 1)[:, :, None]   # fictitious exempt
        E = logP + uf / beta + boost * torch.cat([u, torch.zeros(B, 1, m)], 1)
        logZ = torch.logsumexp(E, 1, keepdim=True)
        return E - logZ, logZ

    def dual(lm):
        _, logZ = tilt(lm)
        return -(shares[None, :] * lm).sum(1) + logZ[:, 0].sum(1)

    for _ in range(iters):
        logQ, _ = tilt(lam)
        Q = logQ.exp()[:, :n]
        V = (Q * u).sum(2)
        g = V - shares[None, :]                                   # dD/dlam
        kkt = torch.minimum(lam, g).abs().max(1).values
        if (kkt < 1e-9).all():
            break
        Qu = Q * u
        H = torch.diag_embed((Qu * u).sum(2)) - torch.einsum("bim,bkm->bik", Qu, Qu)
        free = (lam > 0) | (g < 0)
        eye = torch.eye(n)[None]
        fm = free.float()
        Hf = H * fm[:, :, None] * fm[:, None, :] + eye * (1 - fm)[:, :, None] + 1e-10 * eye
        d = -torch.linalg.solve(Hf, (g * fm)[:, :, None])[:, :, 0] * fm
        D0 = dual(lam)
        step = torch.ones(B)
        for _ in range(20):
            cand = (lam + step[:, None] * d).clamp(min=0)
            ok = dual(cand) <= D0 + 1e-4 * (g * (cand - lam)).sum(1) + 1e-12
            if ok.all():
                break
            step = torch.where(ok, step, step / 2)
        lam = (lam + step[:, None] * d).clamp(min=0, max=lam_max)
    logQ, _ = tilt(lam)
    return lam, logQ, (lam >= lam_max - 1e-6).any(1)


def ddpm_sigma(a_t, a_s):
    """The DDPM posterior standard deviation from t to s, the guidance step's unit."""
    return ((1 - a_s) / (1 - a_t) * (1 - a_t / a_s)) ** 0.5


def attention_utility(a):
    """The utility u [B, m] of item-token maps a [B, 1, 8, 8]: bilinear upsampling to 32x32
    (align_corners=false), clamped at 0, normalised to sum 1 (the same for any scale of a)."""
    b = F.interpolate(a, size=(32, 32), mode="bilinear", align_corners=False).clamp(min=0)
    return (b / b.sum(dim=[1, 2, 3], keepdim=True)).flatten(1)


def attention_cotangent(a_hat, wq):
    """d/d a_hat of sum_j wq_j u_j for the normalised map a_hat: the weights the model's
    utility_grad needs (its VJP is of sum(weights * normalised map))."""
    leaf = a_hat.detach().requires_grad_(True)
    return torch.autograd.grad([(attention_utility(leaf) * wq).sum()], [leaf])[0]


def run(players, method="dnd", n=64, steps=25, w=3.0, eta=0.0, beta_prime=4.0, delta=0.05,
        gamma=0.0, repel=0.0, boot=0.4, seed=0, batch=32, models=None, guidance_from="current"):
    if models is None:
        models = [load_model(p[0]) for p in players]
    toks, reqs = [], []
    for (name, concept), (m, card) in zip(players, models):
        t, r = tokens_for(card, concept)
        toks.append(t)
        reqs.append(r)
    ac = linear_alphas_cumprod().double()
    grid, r = ddim_grid(steps)
    out = []
    stats = {"lambda_cap_hits": 0, "steps": 0}
    for b0 in range(0, n, batch):
        B = min(batch, n - b0)
        g = torch.Generator().manual_seed(seed + b0)
        x = torch.randn((B, 3, 32, 32), generator=g)
        xi = x.clone()
        k = len(players)
        M = 32 * 32
        logQ = torch.full((B, k + 1, M), -np.log(k + 1.0))
        lam = torch.zeros(B, k)
        prev_weights = None   # guidance_from == "previous": the cotangents of the last step
        for si, t in enumerate(grid):
            s = t - r
            a_t = ac[t].item()
            a_s = ac[s].item() if s >= 0 else ac[0].item()
            sig = ddim_sigma(a_t, a_s, eta)
            mus, us, maps = [], [], []
            for i, (m, card) in enumerate(models):
                xin = x
                if method == "multidiffusion" and si < boot * steps:
                    mask = stripe_mask(i, k)
                    bg = a_t ** 0.5 * (-1.0) + (1 - a_t) ** 0.5 * xi
                    xin = mask * x + (1 - mask) * bg
                tok = torch.tensor([toks[i]] * B + [[0, 1, 2, 2]] * B, dtype=torch.int64)
                with torch.no_grad():
                    eps, attn = m(torch.cat([xin, xin]), torch.full((2 * B,), t,
                                                                     dtype=torch.int64), tok)
                e = eps[B:] + w * (eps[:B] - eps[B:])
                x0 = (xin - (1 - a_t) ** 0.5 * e) / a_t ** 0.5
                mus.append(a_s ** 0.5 * x0 + (1 - a_s - sig ** 2) ** 0.5 * e)
                maps.append(attn[:B, 1:2] / attn[:B, 1:2].sum(dim=[1, 2, 3], keepdim=True))
                us.append(attention_utility(attn[:B, 1:2]))
            if method == "average":
                Wt = [torch.full((B, 1, 32, 32), 1.0 / k) for _ in range(k)]
            elif method == "multidiffusion":
                Wt = [stripe_mask(i, k).expand(B, 1, 32, 32) for i in range(k)]
            else:
                u = torch.stack(us, 1)
                shares = torch.full((k,), (1 - delta) / k)
                lam, logQ, cap = solve_proportional(logQ, u, beta_prime / M, shares, lam,
                                                    50.0 / u.max().item())
                stats["lambda_cap_hits"] += int(cap.sum())
                stats["steps"] += B
                Q = logQ.exp()
                Wt = [(Q[:, i] + Q[:, k] / k).reshape(B, 1, 32, 32) for i in range(k)]
            mu = sum(wi * mi for wi, mi in zip(Wt, mus))
            step_weights = None
            if method == "dnd" and gamma > 0:
                Qd = Q.detach()
                others = Qd[:, :k].sum(1)
                step_weights = []
                for i in range(k):
                    wq = Qd[:, i] - repel * (others - Qd[:, i])
                    weights = torch.zeros(B, 4, 8, 8)
                    weights[:, 1] = attention_cotangent(maps[i], wq)[:, 0]
                    step_weights.append(weights)
            if guidance_from == "previous":
                step_weights, prev_weights = prev_weights, step_weights
            # the last step too, as the coordinator does: its DDPM sigma (alpha_bar_1 to alpha_bar_0,
            # about 0.0074) is small but not 0
            if step_weights is not None:
                grad = torch.zeros_like(x)
                for i, (m, card) in enumerate(models):
                    weights = step_weights[i]
                    tok = torch.tensor([toks[i]] * B, dtype=torch.int64)
                    _, gi = m.utility_grad(x, torch.full((B,), t, dtype=torch.int64), tok,
                                           weights)
                    grad = grad + gi
                nrm = grad.flatten(1).norm(dim=1).clamp(min=1e-12)[:, None, None, None]
                mu = mu + gamma * ddpm_sigma(a_t, a_s) * grad / nrm
            x = mu
            if sig > 0 and s >= 0:
                x = x + sig * torch.randn(x.shape, generator=g)
        out.append(x)
    return torch.cat(out), reqs, stats


def load_model(name):
    """A model directory (model.json + the TorchScript file it names), or a name under models/."""
    if not os.path.isdir(name):
        return load(name)
    with open(os.path.join(name, "model.json")) as f:
        card = json.load(f)
    m = torch.jit.load(os.path.join(name, card["file"]))
    m.eval()
    return m, card


def bench(a):
    """Wall times (ms) of jobs of one image each, models loaded once; see the module doc."""
    t0 = time.perf_counter()
    models = [load_model(p[0]) for p in a.player]
    load_s = time.perf_counter() - t0
    kw = dict(method=a.method, steps=a.steps, w=a.cfg, eta=a.eta, beta_prime=a.beta_prime,
              delta=a.delta, gamma=a.gamma, repel=a.repel, boot=a.boot, models=models,
              guidance_from=a.guidance_from)

    def job(n, seed, batch=32):
        t = time.perf_counter()
        run(a.player, n=n, seed=seed, batch=batch, **kw)
        return (time.perf_counter() - t) * 1000.0

    job(1, a.seed + 1000000)                                   # warm-up (TorchScript profiling)
    one = [job(1, a.seed + r) for r in range(a.repeats)]
    seq = []
    for r in range(max(1, a.rounds)):
        t = time.perf_counter()
        for i in range(a.jobs):
            job(1, a.seed + r * a.jobs + i)
        seq.append((time.perf_counter() - t) * 1000.0)
    batched = [job(a.jobs, a.seed + r * a.jobs, batch=a.jobs) for r in range(max(1, a.rounds))]
    return {"load_s": round(load_s, 3), "threads": torch.get_num_threads(), "steps": a.steps,
            "one_job_ms": one, "jobs": a.jobs, "sequential_ms": seq, "batched_ms": batched}


def stripe_mask(i, k):
    m = torch.zeros(1, 1, 32, 32)
    w = 32 // k
    m[..., i * w:(i + 1) * w if i < k - 1 else 32] = 1.0
    return m


def score(x, reqs):
    clf = ev.load_classifier()
    dets = []
    for i in range(0, len(x), 100):
        dets += ev.detect(x[i:i + 100], clf)
    res = {"all_present": round(float(np.mean([ev.verdict(d, reqs) for d in dets])), 4)}
    for r in reqs:
        res["%s %s" % (r[1] or "", r[0])] = round(float(np.mean(
            [ev.verdict(d, [r]) for d in dets])), 4)
    return res


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--player", nargs=2, action="append", required=True,
                    metavar=("MODEL", "CONCEPT"))
    ap.add_argument("--method", default="dnd", choices=["dnd", "average", "multidiffusion"])
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--cfg", type=float, default=3.0)
    ap.add_argument("--eta", type=float, default=0.0)
    ap.add_argument("--beta-prime", type=float, default=4.0)
    ap.add_argument("--delta", type=float, default=0.05)
    ap.add_argument("--gamma", type=float, default=0.0)
    ap.add_argument("--repel", type=float, default=0.0)
    ap.add_argument("--guidance-from", default="current", choices=["current", "previous"],
                    help="dnd: the allocation the guidance uses: this step's or the last step's")
    ap.add_argument("--boot", type=float, default=0.4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grid", default="")
    ap.add_argument("--bench", action="store_true", help="timing mode (see the module doc)")
    ap.add_argument("--repeats", type=int, default=3, help="--bench: timed single jobs")
    ap.add_argument("--jobs", type=int, default=8, help="--bench: jobs per round")
    ap.add_argument("--rounds", type=int, default=1, help="--bench: timed rounds of --jobs jobs")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads (0: torch's default)")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    if a.bench:
        print(json.dumps(bench(a)))
        sys.exit(0)
    t0 = time.time()
    x, reqs, stats = run(a.player, a.method, a.n, a.steps, a.cfg, a.eta, a.beta_prime, a.delta,
                         gamma=a.gamma, repel=a.repel, boot=a.boot, seed=a.seed,
                         guidance_from=a.guidance_from)
    res = score(x, reqs)
    res.update(stats)
    res["seconds"] = round(time.time() - t0, 1)
    res["args"] = vars(a)
    if a.grid:
        save_grid(x, a.grid)
    print(json.dumps(res))
