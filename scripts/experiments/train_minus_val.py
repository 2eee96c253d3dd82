"""Writes a JSONL manifest of every image of a CIFAKE shard except those of a validation manifest.

Usage: python3 scripts/experiments/train_minus_val.py SHARD.tar.gz VAL.jsonl OUT.jsonl
The experiment scripts use it to train on train.tar.gz minus the 4,100 images every EfficientNet round held out
(the trainer's seed-1 split, written by a run to its val.jsonl), so those images can be passed as --val.
Standard library only.
"""
import json
import os
import sys
import tarfile

shard, val_path, out_path = sys.argv[1:4]
src = os.path.realpath(shard)
with open(val_path) as f:
    val = {json.loads(line)["path"] for line in f}
with tarfile.open(src) as t, open(out_path, "w") as f:
    for m in t:
        p = f"{src}:{m.name}"
        if m.isfile() and p not in val:
            f.write(json.dumps({"label": m.name.split("/")[-2], "path": p, "split": "train"}) + "\n")
