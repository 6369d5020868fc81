"""Shared pieces for the dnd specialist models: data, canvases, schedule, denoiser.

Everything here is plain PyTorch 1.13 (Debian's python3-torch) and numpy.

Fashion-MNIST label order (0..9):
  t-shirt, trouser, pullover, dress, coat, sandal, shirt, sneaker, bag, ankle boot
"""
import gzip
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FMNIST_DIR = "/usr/share/datasets/fashion-mnist"
CLASS_NAMES = ["t-shirt", "trouser", "pullover", "dress", "coat",
               "sandal", "shirt", "sneaker", "bag", "ankle boot"]
# classes that no task uses: only these are ever NAMED as distractors in a context
UNUSED_CLASSES = ["t-shirt", "pullover", "coat", "shirt"]
PALETTE = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0),
           "blue": (0.0, 0.0, 1.0), "yellow": (1.0, 1.0, 0.0)}
COLOURS = ["red", "green", "blue", "yellow"]
WHITE = (1.0, 1.0, 1.0)

CANVAS = 32
ITEM = 14
CTX_LEN = 4
START, NULL, PAD = 0, 1, 2


# ----------------------------------------------------------------------------- data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 2051:
        n, r, c = struct.unpack(">III", data[4:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, r, c)
    if magic == 2049:
        n = struct.unpack(">I", data[4:8])[0]
        return np.frombuffer(data, dtype=np.uint8, offset=8).reshape(n)
    raise ValueError("bad IDX magic %d in %s" % (magic, path))


def load_fmnist(split="train"):
    pre = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(FMNIST_DIR, pre + "-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(FMNIST_DIR, pre + "-labels-idx1-ubyte.gz"))
    return x, y


def downscale_item(img28, size=ITEM, thr=10):
    """Crop the bounding box of the item (pixels > thr), pad it to a centred square, and
    area-downscale to size x size.  Returns float32 [size,size] in [0,1]."""
    ys, xs = np.nonzero(img28 > thr)
    if len(ys) == 0:
        return np.zeros((size, size), np.float32)
    r0, r1, c0, c1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    crop = img28[r0:r1, c0:c1].astype(np.float32) / 255.0
    h, w = crop.shape
    s = max(h, w)
    sq = np.zeros((s, s), np.float32)
    oy, ox = (s - h) // 2, (s - w) // 2
    sq[oy:oy + h, ox:ox + w] = crop
    t = torch.from_numpy(sq)[None, None]
    out = F.interpolate(t, size=(size, size), mode="area")[0, 0]
    return out.numpy()


def tight_box(patch, thr=0.05):
    ys, xs = np.nonzero(patch > thr)
    if len(ys) == 0:
        return 0, 1, 0, 1
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


def item_bank(split="train", cache_dir="/tmp/train"):
    """All Fashion-MNIST items downscaled to 14 px, with their tight boxes. Cached."""
    os.makedirs(cache_dir, exist_ok=True)
    path = os.path.join(cache_dir, "items%d_%s.npz" % (ITEM, split))
    if os.path.exists(path):
        d = np.load(path)
        return d["patches"], d["boxes"], d["labels"]
    x, y = load_fmnist(split)
    patches = np.stack([downscale_item(im) for im in x]).astype(np.float32)
    boxes = np.array([tight_box(p) for p in patches], np.int16)
    tmp = path + ".tmp.%d.npz" % os.getpid()
    np.savez(tmp, patches=patches, boxes=boxes, labels=y.astype(np.int64))
    os.replace(tmp, path)
    return patches, boxes, y.astype(np.int64)


# ----------------------------------------------------------------------------- canvases
def boxes_clear(b, others, gap=1):
    r0, r1, c0, c1 = b
    for (s0, s1, d0, d1) in others:
        if r0 < s1 + gap and s0 < r1 + gap and c0 < d1 + gap and d0 < c1 + gap:
            return False
    return True


class CanvasMaker:
    """Makes training / evaluation canvases for one specialist.

    vocab: dict token-name -> id (must contain items, colours, unused-class names).
    """

    def __init__(self, items, vocab, split="train", seed=0, p_distr=(0.3, 0.35, 0.35),
                 p_name=0.5, p_bare=0.15, p_uncond=0.1, distractor_classes=None):
        self.patches, self.boxes, self.labels = item_bank(split)
        self.items = list(items)
        self.item_cls = [CLASS_NAMES.index(n) for n in items]
        self.vocab = vocab
        self.rng = np.random.RandomState(seed)
        self.by_class = {c: np.nonzero(self.labels == c)[0] for c in range(10)}
        if distractor_classes is None:
            distractor_classes = [c for c in range(10) if c not in self.item_cls]
        self.distr_cls = list(distractor_classes)
        self.p_distr = p_distr
        self.p_name = p_name
        self.p_bare = p_bare
        self.p_uncond = p_uncond

    def _place(self, idx, taken, tries=30):
        r0, r1, c0, c1 = [int(v) for v in self.boxes[idx]]
        h, w = r1 - r0, c1 - c0
        for _ in range(tries):
            y = self.rng.randint(0, CANVAS - h + 1)
            x = self.rng.randint(0, CANVAS - w + 1)
            b = (y, y + h, x, x + w)
            if boxes_clear(b, taken):
                return b
        return None

    def make(self, B, force_uncond=False, force_cond=False, n_distr=None, name_prob=None,
             target_cls=None, target_colour=None):
        """Returns dict: x [B,3,32,32] in [-1,1]; tokens [B,4] int64; tmask, nmask [B,1,32,32]
        (target item pixels, named distractor pixels); cond [B] bool (supervise attention);
        tbox [B,4]; dboxes list of lists of boxes; tcls [B]; tcol [B] (colour index or -1)."""
        rng = self.rng
        canvas = np.zeros((B, 3, CANVAS, CANVAS), np.float32)
        tmask = np.zeros((B, 1, CANVAS, CANVAS), np.float32)
        nmask = np.zeros((B, 1, CANVAS, CANVAS), np.float32)
        tokens = np.full((B, CTX_LEN), PAD, np.int64)
        tokens[:, 0] = START
        cond = np.ones(B, bool)
        tbox = np.zeros((B, 4), np.int64)
        tcls = np.zeros(B, np.int64)
        tcol = np.zeros(B, np.int64)
        dboxes = []
        name_p = self.p_name if name_prob is None else name_prob
        for b in range(B):
            k = rng.randint(len(self.items)) if target_cls is None else target_cls
            cls = self.item_cls[k]
            idx = self.by_class[cls][rng.randint(len(self.by_class[cls]))]
            col = rng.randint(4) if target_colour is None else target_colour
            box = self._place(idx, [])
            self._paste(canvas[b], idx, box, PALETTE[COLOURS[col]])
            self._paste_mask(tmask[b, 0], idx, box)
            tbox[b] = box
            tcls[b] = k
            tcol[b] = col
            taken = [box]
            nd = (rng.choice(3, p=self.p_distr) if n_distr is None else n_distr)
            named = None
            these = []
            for _ in range(nd):
                dc = self.distr_cls[rng.randint(len(self.distr_cls))]
                didx = self.by_class[dc][rng.randint(len(self.by_class[dc]))]
                dbox = self._place(didx, taken)
                if dbox is None:
                    continue
                taken.append(dbox)
                these.append(dbox)
                ci = rng.randint(5)
                rgb = WHITE if ci == 4 else PALETTE[COLOURS[ci]]
                self._paste(canvas[b], didx, dbox, rgb)
                if named is None and CLASS_NAMES[dc] in UNUSED_CLASSES and \
                        CLASS_NAMES[dc] in self.vocab and rng.rand() < name_p:
                    named = CLASS_NAMES[dc]
                    self._paste_mask(nmask[b, 0], didx, dbox)
            dboxes.append(these)
            uncond = force_uncond or (not force_cond and rng.rand() < self.p_uncond)
            if uncond:
                tokens[b, 1] = NULL
                cond[b] = False
                nmask[b] = 0
                continue
            tokens[b, 1] = self.vocab[self.items[k]]
            bare = target_colour is None and rng.rand() < self.p_bare
            if not bare:
                tokens[b, 2] = self.vocab[COLOURS[col]]
            else:
                tcol[b] = -1
            if named is not None:
                tokens[b, 3] = self.vocab[named]
        return dict(x=torch.from_numpy(canvas * 2.0 - 1.0), tokens=torch.from_numpy(tokens),
                    tmask=torch.from_numpy(tmask), nmask=torch.from_numpy(nmask),
                    cond=torch.from_numpy(cond), tbox=torch.from_numpy(tbox), dboxes=dboxes,
                    tcls=torch.from_numpy(tcls), tcol=torch.from_numpy(tcol))

    def _paste(self, img, idx, box, rgb):
        r0, r1, c0, c1 = [int(v) for v in self.boxes[idx]]
        y0, y1, x0, x1 = box
        g = self.patches[idx, r0:r1, c0:c1]
        for c in range(3):
            if rgb[c] > 0:
                img[c, y0:y1, x0:x1] = np.maximum(img[c, y0:y1, x0:x1], g * rgb[c])

    def _paste_mask(self, m, idx, box):
        r0, r1, c0, c1 = [int(v) for v in self.boxes[idx]]
        y0, y1, x0, x1 = box
        g = self.patches[idx, r0:r1, c0:c1]
        m[y0:y1, x0:x1] = np.maximum(m[y0:y1, x0:x1], (g > 0.05).astype(np.float32))


# ----------------------------------------------------------------------------- schedule
def linear_alphas_cumprod(T=1000, b0=1e-4, b1=0.02):
    betas = torch.linspace(b0, b1, T, dtype=torch.float64)
    return torch.cumprod(1.0 - betas, 0).float()


def ddim_sigma(a_t, a_s, eta=1.0):
    """DDIM's step noise from alpha_bar_t to alpha_bar_s: eta times the DDPM posterior sigma."""
    return eta * ((1 - a_s) / (1 - a_t)) ** 0.5 * (1 - a_t / a_s) ** 0.5


# ----------------------------------------------------------------------------- model
def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32,
                                                        device=t.device) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


def gn(c: int) -> nn.GroupNorm:
    g = 8
    while c % g != 0:
        g //= 2
    return nn.GroupNorm(g, c)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, tdim: int):
        super().__init__()
        self.n1 = gn(cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(tdim, cout)
        self.n2 = gn(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, temb: torch.Tensor) -> torch.Tensor:
        h = self.c1(F.silu(self.n1(x)))
        h = h + self.t(temb)[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


class CrossAttn(nn.Module):
    """Cross-attention of image features (queries) over the context tokens (keys/values).
    Returns the updated features and the softmax probabilities averaged over heads,
    shaped [B, L, H, W]."""

    def __init__(self, c: int, cdim: int, d: int, heads: int):
        super().__init__()
        self.norm = gn(c)
        self.q = nn.Linear(c, d, bias=False)
        self.k = nn.Linear(cdim, d, bias=False)
        self.v = nn.Linear(cdim, d, bias=False)
        self.o = nn.Linear(d, c)
        self.heads = heads
        self.dh = d // heads

    def forward(self, x: torch.Tensor, ctx: torch.Tensor):
        B, C, H, W = x.shape
        L = ctx.shape[1]
        h = self.norm(x).reshape(B, C, H * W).transpose(1, 2)           # B,HW,C
        q = self.q(h).reshape(B, H * W, self.heads, self.dh).transpose(1, 2)   # B,h,HW,dh
        k = self.k(ctx).reshape(B, L, self.heads, self.dh).transpose(1, 2)     # B,h,L,dh
        v = self.v(ctx).reshape(B, L, self.heads, self.dh).transpose(1, 2)
        s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(float(self.dh))     # B,h,HW,L
        p = torch.softmax(s, dim=-1)
        o = torch.matmul(p, v).transpose(1, 2).reshape(B, H * W, self.heads * self.dh)
        o = self.o(o).transpose(1, 2).reshape(B, C, H, W)
        attn = p.mean(dim=1).transpose(1, 2).reshape(B, L, H, W)
        return x + o, attn


class Denoiser(nn.Module):
    """Small UNet for 32x32 RGB, eps-prediction; the condition enters ONLY through
    cross-attention (at 16x16 and 8x8). forward returns (eps, list of attention maps)."""

    def __init__(self, vocab_size: int, ch=(32, 64, 96), cdim: int = 64, adim: int = 64,
                 heads: int = 4, tdim: int = 128, ctx_len: int = CTX_LEN):
        super().__init__()
        c1, c2, c3 = ch
        self.tdim = tdim
        self.temb = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.tok = nn.Embedding(vocab_size, cdim)
        self.pos = nn.Parameter(torch.randn(ctx_len, cdim) * 0.02)
        self.cnorm = nn.LayerNorm(cdim)
        self.cin = nn.Conv2d(3, c1, 3, padding=1)
        self.d1 = ResBlock(c1, c1, tdim)
        self.ds1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.d2 = ResBlock(c2, c2, tdim)
        self.a2 = CrossAttn(c2, cdim, adim, heads)
        self.ds2 = nn.Conv2d(c2, c3, 3, stride=2, padding=1)
        self.d3 = ResBlock(c3, c3, tdim)
        self.a3 = CrossAttn(c3, cdim, adim, heads)
        self.m = ResBlock(c3, c3, tdim)
        self.am = CrossAttn(c3, cdim, adim, heads)
        self.u3 = ResBlock(2 * c3, c3, tdim)
        self.au3 = CrossAttn(c3, cdim, adim, heads)
        self.us2 = nn.Conv2d(c3, c2, 3, padding=1)
        self.u2 = ResBlock(2 * c2, c2, tdim)
        self.au2 = CrossAttn(c2, cdim, adim, heads)
        self.us1 = nn.Conv2d(c2, c1, 3, padding=1)
        self.u1 = ResBlock(2 * c1, c1, tdim)
        self.nout = gn(c1)
        self.cout = nn.Conv2d(c1, 3, 3, padding=1)
        nn.init.zeros_(self.cout.weight)
        nn.init.zeros_(self.cout.bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor, tokens: torch.Tensor):
        temb = self.temb(timestep_embedding(t, self.tdim))
        ctx = self.cnorm(self.tok(tokens) + self.pos[None, :, :])
        h1 = self.d1(self.cin(x), temb)                      # 32
        h = self.d2(self.ds1(h1), temb)                      # 16
        h2, a_d2 = self.a2(h, ctx)
        h = self.d3(self.ds2(h2), temb)                      # 8
        h3, a_d3 = self.a3(h, ctx)
        h = self.m(h3, temb)
        h, a_m = self.am(h, ctx)
        h = self.u3(torch.cat([h, h3], 1), temb)
        h, a_u3 = self.au3(h, ctx)
        h = self.us2(F.interpolate(h, scale_factor=2.0, mode="nearest"))   # 16
        h = self.u2(torch.cat([h, h2], 1), temb)
        h, a_u2 = self.au2(h, ctx)
        h = self.us1(F.interpolate(h, scale_factor=2.0, mode="nearest"))   # 32
        h = self.u1(torch.cat([h, h1], 1), temb)
        eps = self.cout(F.silu(self.nout(h)))
        return eps, [a_d2, a_d3, a_m, a_u3, a_u2]


def average_attention(maps, h: int = 8, w: int = 8) -> torch.Tensor:
    """Average of the layers' maps at h x w (larger maps avg-pooled down)."""
    acc = torch.zeros_like(maps[0][:, :, :1, :1]).expand(-1, -1, h, w).contiguous()
    for a in maps:
        if a.shape[2] != h or a.shape[3] != w:
            a = F.adaptive_avg_pool2d(a, (h, w))
        acc = acc + a
    return acc / float(len(maps))


def count_params(m):
    return sum(p.numel() for p in m.parameters())
