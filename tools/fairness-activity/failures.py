#!/usr/bin/python3
"""Are dnd's wrong images allocation failures? For every image with a fairness report (from run.py)
and a verdict (from the eval), finds the required objects the evaluator missed (what
tools/failure-summary.py counts) and what the allocation gave their players at the last step: their
value V_i, the share of their own utility they hold. A constraint on V_i can only act where a
missed player's V_i is low.
usage: tools/fairness-activity/failures.py [METHOD ...]   (default: dnd dnd-nofair)"""
import importlib.util, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from analyse import EVAL, ROOT, TASKS, load, mean  # noqa: E402

spec = importlib.util.spec_from_file_location('failure_summary', os.path.join(ROOT, 'tools', 'failure-summary.py'))
failure_summary = importlib.util.module_from_spec(spec)
spec.loader.exec_module(failure_summary)

methods = sys.argv[1:] or ['dnd', 'dnd-nofair']
print('task          method      images  wrong  missed  missed_V>=0.9  missed_lowest_V  lowest_V_wrong  lowest_V_right')
for task in TASKS:
    prompts = {p['prompt']: p for p in json.load(open(f'{EVAL}/{task}/prompts.json'))}
    for method in methods:
        reports = load(task, method)
        n = wrong = missed = high = lowest = 0
        low_wrong, low_right = [], []
        for v in json.load(open(f'{EVAL}/{task}/{method}/verdicts.json')):
            report = reports.get((v['prompt'], v['image']))
            if report is None:
                continue
            n += 1
            values = [p['value'] for p in report['steps'][-1]['players']]
            (low_right if v['correct'] else low_wrong).append(min(values))
            if v['correct']:
                continue
            wrong += 1
            # required[k] is player k's object, with a colour only where the task checks one
            for k, req in enumerate(prompts[v['prompt']]['required']):
                if any(failure_summary.matches(o, req) for o in v['objects']):
                    continue
                missed += 1
                high += values[k] >= 0.9
                lowest += values[k] == min(values)
        print(f'{task:13} {method:10} {n:7} {wrong:6} {missed:7} {high:14} {lowest:16} {mean(low_wrong):15.3f} {mean(low_right):15.3f}')
