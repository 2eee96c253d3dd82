"""Side-by-side sheets of edited test photos: the real photo, then its edit with the edit's rectangle in red, captioned
with kind, strength (mean absolute change, levels) and the model's P(REAL).

Writes two PNGs to OUT_PREFIX-missed.png (edits the model calls REAL) and OUT_PREFIX-caught.png (edits it calls
EDITED with P > 0.5), 24 pairs each, drawn with a fixed seed among the edits whose strength is in [LOW, HIGH).
Needs Pillow (not in the product path; any Python with Pillow).
Usage: python3 edit_pairs.py TEST.tar.gz EDITED-TEST.tar.gz EDITS.jsonl PREDICTIONS.csv OUT_PREFIX [LOW HIGH]
"""
import csv
import io
import json
import random
import sys
import tarfile

from PIL import Image, ImageDraw

test, edited, log_path, predictions, prefix = sys.argv[1:6]
low, high = (float(sys.argv[6]), float(sys.argv[7])) if len(sys.argv) > 7 else (16.0, 32.0)
log = {e["name"]: e for e in map(json.loads, open(log_path))}
rows = {r["path"].rsplit("/", 1)[-1]: r for r in csv.DictReader(open(predictions)) if r["label"] == "EDITED"}


def members(path, folder):
    with tarfile.open(path) as t:
        return {m.name.rsplit("/", 1)[-1]: t.extractfile(m).read() for m in t if m.isfile() and f"/{folder}/" in m.name}


real, edits = members(test, "REAL"), members(edited, "EDITED")
p = lambda n, c: float(rows[n][f"p_{c}"])
chosen = [n for n in sorted(rows) if low <= log[n]["change"] < high]
groups = {
    "missed": [n for n in chosen if p(n, "real") > max(p(n, "edited"), p(n, "fake"))],
    "caught": [n for n in chosen if p(n, "edited") > 0.5],
}
scale, side, columns = 4, 32 * 4, 6
for tag, names in groups.items():
    names = random.Random(0).sample(names, min(24, len(names)))
    sheet = Image.new("RGB", (columns * (2 * side + 12), 4 * (side + 16)), "white")
    draw = ImageDraw.Draw(sheet)
    for k, n in enumerate(names):
        e = log[n]
        x0, y0 = (k % columns) * (2 * side + 12), (k // columns) * (side + 16)
        for dx, data in ((0, real[n.split("-", 1)[1]]), (side + 2, edits[n])):
            sheet.paste(Image.open(io.BytesIO(data)).convert("RGB").resize((side, side), Image.NEAREST), (x0 + dx, y0))
        draw.rectangle([x0 + side + 2 + e["x"] * scale, y0 + e["y"] * scale,
                        x0 + side + 1 + (e["x"] + e["width"]) * scale, y0 + (e["y"] + e["height"]) * scale - 1],
                       outline="red")
        draw.text((x0, y0 + side + 2), f"{e['edit'][:5]} {e['change']:.0f} P(real)={p(n, 'real'):.2f}", fill="black")
    sheet.save(f"{prefix}-{tag}.png")
    print(f"{prefix}-{tag}.png: {len(names)} of {len(groups[tag])} edits of {low:g}-{high:g} levels {tag}")
