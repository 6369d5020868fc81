#!/usr/bin/python3
"""Are dnd's wrong images allocation failures? For every image with a fairness report (from run.py)
and a verdict (from the eval), finds the players the evaluator missed and what the allocation gave
them at the last step: their value V_i (the share of their own utility they hold) and their share
of the canvas. A constraint on V_i can only act where a missed player's V_i is low.
usage: tools/fairness-activity/failures.py [METHOD ...]   (default: dnd dnd-nofair)"""
import json, os, sys
root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
methods = sys.argv[1:] or ['dnd', 'dnd-nofair']
print('task          method      images  wrong  missed  missed_V>=0.9  missed_lowest_V  lowest_V_wrong  lowest_V_right')
for task in ['two_object', 'color_attr', 'three_object']:
    prompts = {p['prompt']: p for p in json.load(open(f'{root}/dnd-out/eval/{task}/prompts.json'))}
    for method in methods:
        verdicts = json.load(open(f'{root}/dnd-out/eval/{task}/{method}/verdicts.json'))
        n = wrong = missed = high = lowest = 0
        low_wrong, low_right = [], []
        for v in verdicts:
            path = f'{root}/dnd-out/fairness-activity/raw/{task}/{method}/{v["prompt"]}-{v["image"]}.fairness.json'
            if not os.path.exists(path):
                continue
            n += 1
            last = json.load(open(path))['steps'][-1]['players']
            values = [p['value'] for p in last]
            (low_right if v['correct'] else low_wrong).append(min(values))
            if v['correct']:
                continue
            wrong += 1
            found = [(o['item'], o['colour']) for o in v['objects'] if o['item']]
            for k, pl in enumerate(prompts[v['prompt']]['players']):
                colour = pl.get('colour')
                if any(item == pl['item'] and (colour is None or c == colour) for item, c in found):
                    continue
                missed += 1
                high += values[k] >= 0.9
                lowest += values[k] == min(values)
        mean = lambda xs: sum(xs) / len(xs) if xs else float('nan')
        print(f'{task:13} {method:10} {n:7} {wrong:6} {missed:7} {high:14} {lowest:16} {mean(low_wrong):15.3f} {mean(low_right):15.3f}')
