#!/usr/bin/python3
"""Runs `dnd sample` on the prompts of a finished `dnd eval --out dnd-out/eval` (the eval's own seeds:
image i of a prompt uses the prompt's seed + i, so the PNGs equal the eval's) against a running
cluster at 127.0.0.1:7000, keeping each image's fairness report.
usage: tools/fairness-activity/run.py METHOD NPROMPTS IMAGES
  -> dnd-out/fairness-activity/raw/<task>/<method>/<prompt>-<i>.{png,fairness.json}"""
import json, os, subprocess, sys
method, n, images = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
tasks = ['two_object', 'color_attr', 'three_object']
prompts = {t: json.load(open(f'{root}/dnd-out/eval/{t}/prompts.json')) for t in tasks}
for k in range(n):
    for t in tasks:
        p = prompts[t][k]
        d = f'{root}/dnd-out/fairness-activity/raw/{t}/{method}'
        os.makedirs(d, exist_ok=True)
        out = f'{d}/{p["prompt"]}'
        if os.path.exists(f'{out}-{images-1}.fairness.json'):
            continue
        cmd = ['./dnd', 'sample', '--coordinator', '127.0.0.1:7000', '--method', method,
               '--seed', str(p['seed']), '--images', str(images), '--out', out + '.png']
        for pl in p['players']:
            c = (pl['colour'] + ' ' if pl.get('colour') else '') + pl['item']
            cmd += ['--player', f'{pl["model"]}:{c}']
        with open(f'{root}/dnd-out/fairness-activity/commands.log', 'a') as f:
            f.write(' '.join(repr(a) if ' ' in a else a for a in cmd) + '\n')
        r = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
        print(t, method, k, 'rc', r.returncode, r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-300:], flush=True)
