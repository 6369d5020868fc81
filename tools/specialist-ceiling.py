#!/usr/bin/env python3
"""What the specialists alone allow on each task: the %images a composition would score if every
player's object came out right exactly as often as its specialist draws that item alone (the
single-concept accuracy in models/<model>/measurements.json, per item, judged by the same evaluator),
independently of the other players. It is a reference level, not a bound: composing can help a
player or hurt it, and two objects on one canvas are judged a little differently from one. Beside
it, each method's %images from the reported run (docs/eval/<task>.json).

  tools/specialist-ceiling.py [EVAL_DIR]      # default: docs/eval (its <task>.prompts.json and <task>.json)
"""
import glob
import json
import math
import os
import sys

TASKS = ("two_object", "color_attr", "three_object")


def item_accuracy(models_dir):
    accuracy = {}
    for path in sorted(glob.glob(os.path.join(models_dir, "*", "measurements.json"))):
        with open(path) as f:
            single = json.load(f).get("single_concept")
        if single:
            accuracy.update(single["per_item"])
    return accuracy


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    eval_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "docs", "eval")
    accuracy = item_accuracy(os.path.join(root, "models"))
    print("single-concept accuracy per item: " + ", ".join("%s %.2f" % kv for kv in sorted(accuracy.items())))
    for task in TASKS:
        prompts_path = os.path.join(eval_dir, task + ".prompts.json")
        if not os.path.exists(prompts_path):
            continue
        with open(prompts_path) as f:
            prompts = json.load(f)
        expected = [math.prod(accuracy[p["item"]] for p in q["players"]) for q in prompts]
        line = "%-13s %d prompts: specialists alone %.1f %%images" % (task, len(prompts), 100 * sum(expected) / len(expected))
        scores_path = os.path.join(eval_dir, task + ".json")
        if os.path.exists(scores_path):
            with open(scores_path) as f:
                scores = json.load(f)["tasks"][task]
            line += "; measured: " + ", ".join("%s %.1f" % (m, s["images_pct"]) for m, s in scores.items())
        print(line)


if __name__ == "__main__":
    main()
