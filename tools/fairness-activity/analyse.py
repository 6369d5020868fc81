#!/usr/bin/python3
"""Fairness activity of dnd vs dnd-nofair on eval prompts (raw/<task>/<method>/<p>-<i>.fairness.json).
usage: tools/fairness-activity/analyse.py [--json OUT]   prints tables; stdlib only."""
import glob, json, os, re, struct, sys, zlib
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
HERE = os.path.join(ROOT, 'dnd-out', 'fairness-activity')   # what run.py wrote
EVAL = os.path.join(ROOT, 'dnd-out', 'eval')
TASKS = ['two_object', 'color_attr', 'three_object']
METHODS = ['dnd', 'dnd-nofair']
EPS_L, EPS_S = 1e-9, -1e-6

def png_pixels(path):
    """minimal PNG decoder (8-bit, non-interlaced): returns list of bytes rows."""
    data = open(path, 'rb').read()
    pos, idat, w = 8, b'', None
    while pos < len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
        if typ == b'IHDR': w, h, bd, ct = struct.unpack('>IIBB', body[:10]); bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ct]
        elif typ == b'IDAT': idat += body
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return b''.join(rows)

def load(task, method):
    out = {}
    for f in glob.glob(f'{HERE}/raw/{task}/{method}/*-*.fairness.json'):
        p, i = map(int, re.match(r'(\d+)-(\d+)', os.path.basename(f)).groups())
        out[(p, i)] = json.load(open(f))
    return out

def verdicts(task, method):
    f = f'{EVAL}/{task}/{method}/verdicts.json'
    return {(v['prompt'], v['image']): v['correct'] for v in json.load(open(f))} if os.path.exists(f) else {}

def phase(step, total):
    return 'early' if step < total / 3 else 'mid' if step < 2 * total / 3 else 'late'

def mean(xs): xs = list(xs); return sum(xs) / len(xs) if xs else float('nan')

def stats(imgs):
    s = dict(images=len(imgs))
    steps = [st for d in imgs.values() for st in d['steps']]
    T = next(iter(imgs.values()))['steps_total']
    has_l = any(st.get('lambda') for st in steps)
    if has_l:
        bind = lambda st: any(p.get('lambda', 0) > EPS_L for p in st['players'])
        s['steps_any_lambda'] = mean(bind(st) for st in steps)
        s['steps_any_lambda_excl_step0'] = mean(bind(st) for st in steps if st['step'] > 0)
        s['pairs_lambda'] = mean(p.get('lambda', 0) > EPS_L for st in steps for p in st['players'])
        s['pairs_lambda_excl_step0'] = mean(p.get('lambda', 0) > EPS_L for st in steps if st['step'] > 0 for p in st['players'])
        for ph in ('early', 'mid', 'late'):
            s[f'bind_{ph}'] = mean(bind(st) for st in steps if phase(st['step'], T) == ph)
        s['bind_by_step'] = [mean(bind(d['steps'][k]) for d in imgs.values()) for k in range(T)]
        s['images_bind_after_step0'] = mean(any(bind(st) for st in d['steps'][1:]) for d in imgs.values())
        s['images_bind_last_third'] = mean(any(bind(st) for st in d['steps'] if phase(st['step'], T) == 'late') for d in imgs.values())
        s['lambda_cap_hit_steps'] = mean(st.get('lambda_cap_hit', False) for st in steps)
    viol = lambda st: min(p['slack'] for p in st['players']) < EPS_S
    s['img_slack_neg_final'] = mean(viol(d['steps'][-1]) for d in imgs.values())
    s['img_slack_neg_any'] = mean(any(viol(st) for st in d['steps']) for d in imgs.values())
    s['img_slack_neg_any_excl_step0'] = mean(any(viol(st) for st in d['steps'][1:]) for d in imgs.values())
    s['img_slack_neg_late'] = mean(any(viol(st) for st in d['steps'] if phase(st['step'], T) == 'late') for d in imgs.values())
    s['viol_by_step'] = [mean(viol(d['steps'][k]) for d in imgs.values()) for k in range(T)]
    fin_min_slack = [min(p['slack'] for p in d['steps'][-1]['players']) for d in imgs.values()]
    s['final_min_slack_mean'], s['final_min_slack_min'] = mean(fin_min_slack), min(fin_min_slack)
    s['min_slack_excl_step0_mean'] = mean(min(p['slack'] for st in d['steps'][1:] for p in st['players']) for d in imgs.values())
    mv = [min(p['value'] for p in d['steps'][-1]['players']) for d in imgs.values()]
    ms = [min(p['share'] for p in d['steps'][-1]['players']) for d in imgs.values()]
    s['final_min_value_mean'], s['final_min_value_min'] = mean(mv), min(mv)
    s['final_min_share_mean'], s['final_min_share_min'] = mean(ms), min(ms)
    s['final_target'] = mean(d['steps'][-1]['players'][0]['target'] for d in imgs.values())
    s['fictitious_share_mean_all_steps'] = mean(st['fictitious_share'] for st in steps)
    s['fictitious_share_step0'] = mean(d['steps'][0]['fictitious_share'] for d in imgs.values())
    s['fictitious_share_final'] = mean(d['steps'][-1]['fictitious_share'] for d in imgs.values())
    return s

def compare(task, a, b):
    keys = sorted(set(a) & set(b)); r = dict(pairs=len(keys))
    l1 = []; mx = []; pix = []; same = 0
    for k in keys:
        fa, fb = a[k]['steps'][-1], b[k]['steps'][-1]
        da = [p['share'] for p in fa['players']] + [fa['fictitious_share']]
        db = [p['share'] for p in fb['players']] + [fb['fictitious_share']]
        l1.append(sum(abs(x - y) for x, y in zip(da, db))); mx.append(max(abs(x - y) for x, y in zip(da[:-1], db[:-1])))
        pa = png_pixels(f'{HERE}/raw/{task}/dnd/{k[0]}-{k[1]}.png'); pb = png_pixels(f'{HERE}/raw/{task}/dnd-nofair/{k[0]}-{k[1]}.png')
        pix.append(mean(abs(x - y) for x, y in zip(pa, pb)) / 255); same += pa == pb
    r['final_share_L1_mean'], r['final_share_L1_max'] = mean(l1), max(l1)
    r['final_player_share_maxabs_mean'] = mean(mx)
    r['png_identical'] = same / len(keys); r['png_mean_abs_diff_0to1'] = mean(pix)
    # eval verdicts for the same (prompt, image) -- the seeds are the eval's
    va, vb = verdicts(task, 'dnd'), verdicts(task, 'dnd-nofair')
    # reproducibility check: our PNGs against the eval's
    rep = [open(f'{HERE}/raw/{task}/{m}/{p}-{i}.png', 'rb').read() == open(f'{EVAL}/{task}/{m}/{p}-{i}.png', 'rb').read()
           for m in METHODS for (p, i) in keys if os.path.exists(f'{EVAL}/{task}/{m}/{p}-{i}.png')]
    r['png_equal_to_eval'] = f'{sum(rep)}/{len(rep)}'
    r['verdict_dnd'] = mean(va[k] for k in keys); r['verdict_nofair'] = mean(vb[k] for k in keys)
    diff = []
    T = a[keys[0]]['steps_total']
    for k in keys:
        if va.get(k) != vb.get(k):
            A, B = a[k], b[k]
            bind_steps = [st['step'] for st in A['steps'] if any(p.get('lambda', 0) > EPS_L for p in st['players'])]
            diff.append(dict(prompt=k[0], image=k[1], dnd_correct=va[k], nofair_correct=vb[k],
                             dnd_binding_steps=bind_steps,
                             nofair_neg_slack_steps=[st['step'] for st in B['steps'] if min(p['slack'] for p in st['players']) < EPS_S],
                             nofair_final_min_slack=round(min(p['slack'] for p in B['steps'][-1]['players']), 4),
                             dnd_final_min_slack=round(min(p['slack'] for p in A['steps'][-1]['players']), 4)))
    r['verdict_differs'] = diff
    # among all pairs: does binding after step 0 predict anything?
    bind_after0 = {k: any(any(p.get('lambda', 0) > EPS_L for p in st['players']) for st in a[k]['steps'][1:]) for k in keys}
    for flag in (True, False):
        ks = [k for k in keys if bind_after0[k] == flag]
        r[f'{"bound" if flag else "notbound"}_after_step0'] = dict(n=len(ks), dnd=mean(va[k] for k in ks), nofair=mean(vb[k] for k in ks),
                                                                  differ=sum(va[k] != vb[k] for k in ks))
    return r

def main():
    res = {}
    for t in TASKS:
        d = {m: load(t, m) for m in METHODS}
        if not all(d.values()): continue
        keys = set(d['dnd']) & set(d['dnd-nofair'])
        d = {m: {k: v for k, v in d[m].items() if k in keys} for m in METHODS}
        res[t] = {m: stats(d[m]) for m in METHODS}; res[t]['compare'] = compare(t, d['dnd'], d['dnd-nofair'])
    f = lambda x: f'{x:.3f}' if isinstance(x, float) else str(x)
    rows = [k for k in res[next(iter(res))]['dnd'] if not k.endswith('_by_step')]
    print('| metric | ' + ' | '.join(f'{t} {m}' for t in res for m in METHODS) + ' |')
    print('|---|' + '---:|' * (2 * len(res)))
    for k in rows:
        print(f'| {k} | ' + ' | '.join(f(res[t][m].get(k, '-')) for t in res for m in METHODS) + ' |')
    for t in res:
        print(f'\n{t} bind_by_step (dnd):', ' '.join(f'{x:.2f}' for x in res[t]['dnd']['bind_by_step']))
        print(f'{t} viol_by_step (nofair):', ' '.join(f'{x:.2f}' for x in res[t]['dnd-nofair']['viol_by_step']))
        c = dict(res[t]['compare']); dv = c.pop('verdict_differs')
        print(f'{t} compare:', json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in c.items()}))
        for x in dv: print('   differs:', json.dumps(x))
    if '--json' in sys.argv: json.dump(res, open(sys.argv[sys.argv.index('--json') + 1], 'w'), indent=1)
if __name__ == '__main__':
    main()
