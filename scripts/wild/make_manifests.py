#!/usr/bin/env python3
"""Training and calibration manifests for the wild detector from ../shared/data/wild/manifest.jsonl (issue #31).

- calibration: a seeded 15 % of the train split's source images per label (both crops of a FAKE image stay
  together; wild `val` is never touched), all content kinds, each crop once. Source images, not the manifest's
  groups: FAKE has 33 train groups, one of them 200 crops, so a group draw would take most FAKE crops away;
- training: the remaining train groups, with the colour-chart REAL crops (half of REAL, one camera corpus) kept at
  --charts of them (seeded) and the other REAL crops listed --real-repeat times (oversampling: each listing gets its
  own random windows and augmentations), so that REAL and FAKE weigh about the same and charts cannot carry REAL.

Shard paths are written absolute, so the manifests can live anywhere (e.g. a run folder).

Usage: make_manifests.py ../shared/data/wild OUT_DIR [--charts 60] [--real-repeat 2] [--seed 31]
"""
import argparse
import collections
import json
import os
import random

ap = argparse.ArgumentParser()
ap.add_argument("wild")
ap.add_argument("out")
ap.add_argument("--charts", type=int, default=60)
ap.add_argument("--real-repeat", type=int, default=2)
ap.add_argument("--calibration-share", type=float, default=0.15)
ap.add_argument("--seed", type=int, default=31)
args = ap.parse_args()

wild = os.path.abspath(args.wild)
rows = [json.loads(line) for line in open(os.path.join(wild, "manifest.jsonl"))]
train = [r for r in rows if r["split"] == "train"]
rng = random.Random(args.seed)
def unit(r):
    return (r["label"], r["source_repo"], r["source_path"])


units = sorted({unit(r) for r in train})
by_label = collections.defaultdict(list)
for u in units:
    by_label[u[0]].append(u)
held = set()
for label, us in sorted(by_label.items()):
    rng.shuffle(us)
    held.update(us[:max(1, round(len(us) * args.calibration_share))])


def line(r):
    return json.dumps({"path": r["path"], "shard": os.path.join(wild, r["shard"]), "label": r["label"],
                       "split": r["split"], "sha256": r["sha256"]})


calibration = [r for r in train if unit(r) in held]
rest = [r for r in train if unit(r) not in held]
charts = [r for r in rest if r["content"] == "colour-chart"]
rng.shuffle(charts)
kept_charts = sorted(charts[:args.charts], key=lambda r: r["path"])
real_other = [r for r in rest if r["label"] == "REAL" and r["content"] != "colour-chart"]
fakes = [r for r in rest if r["label"] == "FAKE"]
training = fakes + kept_charts + real_other * args.real_repeat
os.makedirs(args.out, exist_ok=True)
with open(os.path.join(args.out, "wild-train.jsonl"), "w") as f:
    f.writelines(line(r) + "\n" for r in training)
with open(os.path.join(args.out, "wild-calibration.jsonl"), "w") as f:
    f.writelines(line(r) + "\n" for r in calibration)
count = collections.Counter
print(f"training: {len(training)} listings ({len(fakes)} FAKE, {len(kept_charts)} chart REAL, "
      f"{len(real_other)} other REAL x {args.real_repeat}); calibration: {len(calibration)} crops "
      f"({dict(count(r['label'] for r in calibration))}, {dict(count(r['content'] for r in calibration))}), "
      f"{len(held)} of {len(units)} source images")
