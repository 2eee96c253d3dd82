#!/usr/bin/env python3
"""Per-generator, per-camera and per-content figures from `discern evaluate --predictions` on the wild data (issue #31).

Joins the predictions CSV (path, label, p_real, p_fake) with ../shared/data/wild/manifest.jsonl by member name and
prints, for each group: images, share called FAKE (p_fake >= threshold), and the mean p_fake. REAL rows show the
false-alarm rate per camera and content; FAKE rows the recall per generator.

With --band LO,HI (the model's unsure band), verdicts are counted as classify gives them: FAKE when p_fake >= HI,
UNSURE strictly inside, REAL otherwise; the tables then show the shares of FAKE and UNSURE verdicts.

Usage: breakdown.py PREDICTIONS.csv MANIFEST.jsonl [--threshold 0.5 | --band LO,HI] [--markdown]
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
ap.add_argument("--band", help="unsure band LO,HI: count verdicts as classify does")
ap.add_argument("--markdown", action="store_true")
args = ap.parse_args()
lo, hi = (float(x) for x in args.band.split(",")) if args.band else (args.threshold, args.threshold)


def is_fake(p):
    return p >= hi if args.band else p >= args.threshold


def is_unsure(p):
    return bool(args.band) and lo < p < hi

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
        print("| group | images | called FAKE | UNSURE | mean p_fake |\n| --- | ---: | ---: | ---: | ---: |")
    for g, ps in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        fake = sum(map(is_fake, ps)) / len(ps)
        unsure = sum(map(is_unsure, ps)) / len(ps)
        if args.markdown:
            print(f"| {g} | {len(ps)} | {fake * 100:.1f} % | {unsure * 100:.1f} % | {sum(ps) / len(ps):.3f} |")
        else:
            print(f"  {g[:60]:60s} {len(ps):5d}  FAKE {fake * 100:5.1f} %  UNSURE {unsure * 100:5.1f} %  mean p {sum(ps) / len(ps):.3f}")


real = [p for m, p in rows if m["label"] == "REAL"]
fake = [p for m, p in rows if m["label"] == "FAKE"]
rule = f"band {lo}-{hi}" if args.band else f"threshold {args.threshold}"
print(f"{len(rows)} images: REAL called FAKE {sum(map(is_fake, real)) / max(len(real), 1) * 100:.1f} % "
      f"of {len(real)}; FAKE caught {sum(map(is_fake, fake)) / max(len(fake), 1) * 100:.1f} % of {len(fake)}; "
      f"UNSURE {sum(map(is_unsure, real + fake)) / max(len(rows), 1) * 100:.1f} % ({rule})")
table("FAKE recall per generator", lambda m: m["generator"], "FAKE")
table("REAL false alarms per content", lambda m: m["content"], "REAL")
table("REAL false alarms per source", lambda m: m["source_repo"], "REAL")
table("REAL false alarms per camera (EXIF make and model)", lambda m: m["generator"].removeprefix("camera:"), "REAL")
table("FAKE recall per source", lambda m: m["source_repo"], "FAKE")
