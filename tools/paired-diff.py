#!/usr/bin/env python3
"""Paired comparison of two methods of one `dnd eval --out DIR` run on one task: the difference of
their %images on the same prompts and seeds, with a 95% interval from a bootstrap over prompts
(images of a prompt are resampled together), and how many images only one of them got right.

  tools/paired-diff.py DIR TASK METHOD_A METHOD_B        # e.g. dnd-out/eval two_object dnd multidiffusion
  tools/paired-diff.py DIR1,DIR2 TASK METHOD_A METHOD_B  # runs of different seeds pooled (prompts kept apart)
"""
import json
import random
import sys


def verdicts(root, task, method):
    with open("%s/%s/%s/verdicts.json" % (root, task, method)) as f:
        return {(v["prompt"], v["image"]): bool(v["correct"]) for v in json.load(f)}


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    roots, task, a, b = sys.argv[1:]
    va, vb = {}, {}
    for r, root in enumerate(roots.split(",")):
        ra, rb = verdicts(root, task, a), verdicts(root, task, b)
        if ra.keys() != rb.keys():
            sys.exit("the two methods were not run on the same prompts and images in " + root)
        va.update({((r, k[0]), k[1]): v for k, v in ra.items()})   # a prompt is (run, index)
        vb.update({((r, k[0]), k[1]): v for k, v in rb.items()})
    keys = sorted(va)
    prompts = sorted({k[0] for k in keys})
    per_prompt = {p: [va[k] - vb[k] for k in keys if k[0] == p] for p in prompts}
    rng = random.Random(0)
    boot = []
    for _ in range(2000):
        sample = [d for p in (rng.choice(prompts) for _ in prompts) for d in per_prompt[p]]
        boot.append(100.0 * sum(sample) / len(sample))
    boot.sort()
    diff = 100.0 * (sum(va.values()) - sum(vb.values())) / len(keys)
    only_a = sum(va[k] and not vb[k] for k in keys)
    only_b = sum(vb[k] and not va[k] for k in keys)
    print("%s: %s - %s = %+.1f points (95%% CI %+.1f .. %+.1f, bootstrap over %d prompts); only %s right: %d images, only %s right: %d"
          % (task, a, b, diff, boot[50], boot[1949], len(prompts), a, only_a, b, only_b))


if __name__ == "__main__":
    main()
