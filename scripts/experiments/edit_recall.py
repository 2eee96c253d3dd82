"""EDITED recall by edit kind and by edit strength.

Joins a `discern dataset edit --log` file (one JSON line per edited image: name, edit, change) with a
`discern evaluate --predictions` CSV (path, label, p_<class>...) on the member's file name, and prints, for the
EDITED images, how many the model calls EDITED (its largest probability), per kind and per strength bin
("change" = mean absolute change of the edited rectangle in 0-255 levels, before JPEG). Standard library only.
Usage: python3 edit_recall.py EDITS.jsonl PREDICTIONS.csv
"""
import csv
import json
import sys
from collections import defaultdict

edits = {}
with open(sys.argv[1]) as f:
    for line in f:
        e = json.loads(line)
        edits[e["name"]] = e
bins = [0, 2, 4, 8, 16, 32, 256]
by_kind, by_bin, missed_to = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), defaultdict(int)
with open(sys.argv[2]) as f:
    reader = csv.DictReader(f)
    classes = [c for c in reader.fieldnames if c.startswith("p_")]
    for row in reader:
        if row["label"] != "EDITED":
            continue
        e = edits[row["path"].rsplit("/", 1)[-1]]
        guess = max(classes, key=lambda c: float(row[c]))[2:].upper()
        hit = guess == "EDITED"
        b = next(i for i in range(len(bins) - 1) if e["change"] < bins[i + 1])
        for table, key in ((by_kind, e["edit"]), (by_bin, b)):
            table[key][0] += hit
            table[key][1] += 1
        if not hit:
            missed_to[guess] += 1
print("EDITED recall by kind:")
for k in sorted(by_kind):
    h, n = by_kind[k]
    print(f"  {k:<10} {h:>5} / {n:<5} {100 * h / n:5.1f} %")
print("EDITED recall by edit strength (mean |change| in the rectangle, 0-255 levels, before JPEG):")
for b in sorted(by_bin):
    h, n = by_bin[b]
    print(f"  [{bins[b]:>3}, {bins[b + 1]:>3})  {h:>5} / {n:<5} {100 * h / n:5.1f} %")
print("missed EDITED called:", dict(missed_to))
