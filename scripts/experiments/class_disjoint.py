#!/usr/bin/env python3
"""Class-disjoint CIFAKE manifests (issue #31, item 7): from `discern dataset split --group-by` output, where whole CIFAR
classes went to `train` or `test` (the class is the file-name suffix, `1234_5.jpg` -> 5, no suffix -> 1), writes
  OUT/train.jsonl        the training images of the seen classes
  OUT/test-seen.jsonl    the CIFAKE test images of the seen classes
  OUT/test-unseen.jsonl  the CIFAKE test images of the held-out classes
Test images are listed from ../shared/data/cifake/test.tar.gz, with the same class rule.
Usage: class_disjoint.py SPLIT.jsonl TEST.tar.gz OUT"""
import json, os, re, sys, tarfile

split_path, test_shard, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
klass = lambda name: (re.match(r"^\d+(_\d+|)\.jpg$", name).group(1) or "_1")[1:]
seen, unseen = set(), set()
train = []
for line in open(split_path):
    d = json.loads(line)
    k = klass(d["path"].rsplit("/", 1)[-1])
    (seen if d["split"] == "train" else unseen).add(k)
    if d["split"] == "train":
        train.append({"path": d["path"], "label": d["label"]})
assert not seen & unseen, (seen, unseen)
tests = {"seen": [], "unseen": []}
with tarfile.open(test_shard, "r:gz") as tar:
    for m in tar:
        if m.isfile():
            k = klass(m.name.rsplit("/", 1)[-1])
            tests["seen" if k in seen else "unseen"].append({"path": f"{os.path.realpath(test_shard)}:{m.name}", "label": m.name.split("/")[-2]})
for name, rows in [("train", train), ("test-seen", tests["seen"]), ("test-unseen", tests["unseen"])]:
    with open(os.path.join(out, name + ".jsonl"), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    print(f"{name}: {len(rows)} images")
print(f"seen classes {sorted(seen, key=int)}, held out {sorted(unseen, key=int)}")
