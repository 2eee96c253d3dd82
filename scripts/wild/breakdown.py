#!/usr/bin/env python3
"""Per-generator, per-camera and per-content figures from `discern evaluate --predictions` on the wild data (issue #31).

Joins the predictions CSV (path, label, p_real, p_fake) with ../shared/data/wild/manifest.jsonl by member name and
prints, for each group: images, share called FAKE (p_fake >= threshold), and the mean p_fake. REAL rows show the
false-alarm rate per camera and content; FAKE rows the recall per generator.

Usage: breakdown.py PREDICTIONS.csv MANIFEST.jsonl [--threshold 0.5] [--markdown]
"""
import argparse
import collections
import csv
import json
import os

ap = argparse.ArgumentParser()
ap.add_argument("predictions")
ap.add_argument("manifest")
ap.add_argument("--threshold", type=float, default=0.5)
ap.add_argument("--markdown", action="store_true")
args = ap.parse_args()

meta = {}
with open(args.manifest) as f:
    for line in f:
        r = json.loads(line)
        meta[r["path"]] = r
rows = []
with open(args.predictions) as f:
    for r in csv.DictReader(f):
        member = r["path"].split(":", 1)[-1]
        m = meta.get(member)
        if m is None:
            raise SystemExit(f"{r['path']}: not in the manifest")
        rows.append((m, float(r["p_fake"])))


def table(title, key, label):
    groups = collections.defaultdict(list)
    for m, p in rows:
        if m["label"] == label:
            groups[key(m)].append(p)
    print(f"\n{title}")
    if args.markdown:
        print("| group | images | called FAKE | mean p_fake |\n| --- | ---: | ---: | ---: |")
    for g, ps in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        fake = sum(p >= args.threshold for p in ps) / len(ps)
        if args.markdown:
            print(f"| {g} | {len(ps)} | {fake * 100:.1f} % | {sum(ps) / len(ps):.3f} |")
        else:
            print(f"  {g[:60]:60s} {len(ps):5d}  FAKE {fake * 100:5.1f} %  mean p {sum(ps) / len(ps):.3f}")


real = [p for m, p in rows if m["label"] == "REAL"]
fake = [p for m, p in rows if m["label"] == "FAKE"]
print(f"{len(rows)} images: REAL called FAKE {sum(p >= args.threshold for p in real) / max(len(real), 1) * 100:.1f} % "
      f"of {len(real)}; FAKE caught {sum(p >= args.threshold for p in fake) / max(len(fake), 1) * 100:.1f} % of {len(fake)} "
      f"(threshold {args.threshold})")
table("FAKE recall per generator", lambda m: m["generator"], "FAKE")
table("REAL false alarms per content", lambda m: m["content"], "REAL")
table("REAL false alarms per source", lambda m: m["source_repo"], "REAL")
table("FAKE recall per source", lambda m: m["source_repo"], "FAKE")
