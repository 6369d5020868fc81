#!/usr/bin/env python3
"""Why images of one `dnd eval --out DIR` run failed, per method of one task: how many objects the
evaluator found on each image, and, per required item, on how many images no found object
matched it (right class, and right colour where the task asks for one).

  tools/failure-summary.py DIR TASK [METHOD ...]     # e.g. dnd-out/eval three_object dnd multidiffusion

Without METHOD, every method directory of the task is summarised.
"""
import collections
import json
import os
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def matches(obj, req):
    return obj["item"] == req["item"] and (req["colour"] is None or obj["colour"] == req["colour"])


def summarise(verdicts, prompts):
    found_counts = collections.Counter()
    missed = collections.Counter()
    correct = 0
    for v in verdicts:
        found_counts[len(v["objects"])] += 1
        correct += bool(v["correct"])
        for req in prompts[v["prompt"]]["required"]:
            if not any(matches(o, req) for o in v["objects"]):
                missed[req["item"]] += 1
    return correct, found_counts, missed


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    root, task = sys.argv[1], sys.argv[2]
    task_dir = os.path.join(root, task)
    prompts = {p["prompt"]: p for p in load(os.path.join(task_dir, "prompts.json"))}
    methods = sys.argv[3:] or sorted(d for d in os.listdir(task_dir)
                                     if os.path.isfile(os.path.join(task_dir, d, "verdicts.json")))
    for method in methods:
        verdicts = load(os.path.join(task_dir, method, "verdicts.json"))
        correct, found_counts, missed = summarise(verdicts, prompts)
        print("%s %s: %d of %d images correct" % (task, method, correct, len(verdicts)))
        print("  objects found per image: " + ", ".join(
            "%d: %d" % (k, found_counts[k]) for k in sorted(found_counts)))
        print("  images on which a required item was not found: " + (", ".join(
            "%s %d" % (item, n) for item, n in missed.most_common()) or "none"))


if __name__ == "__main__":
    main()
