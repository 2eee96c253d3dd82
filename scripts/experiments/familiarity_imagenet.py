"""Nearest-neighbour distances in ImageNet feature space (files written by `discern features`): how many calibration,
val, screenshot and drawing images lie beyond a threshold that lets 2 % of the calibration crops out (all training
images as the reference), or 5 % of the calibration REAL crops (REAL training images as the reference).
Usage: python3 familiarity_imagenet.py DIR   (DIR holds inet-{train,cal,val,screens,drawings}.safetensors)"""
import json
import struct
import sys

import numpy as np


def load(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = []
    for name in ("features", "labels"):
        e = header[name]
        s, t = e["data_offsets"]
        out.append(np.frombuffer(raw[8 + n + s:8 + n + t], dtype=np.float32).reshape(e["shape"]).astype(np.float64))
    return out


def unit(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def main(folder):
    F = {k: load(f"{folder}/inet-{k}.safetensors") for k in ["train", "cal", "val", "screens", "drawings"]}
    tx, tl = F["train"]
    for name, ref, cal, share in [("all training images", np.unique(tx, axis=0), F["cal"][0], 0.02),
                                  ("REAL training images only", np.unique(tx[tl == 0], axis=0), F["cal"][0][F["cal"][1] == 0], 0.05)]:
        for centred in (False, True):
            mu = ref.mean(0) if centred else 0
            R = unit(ref - mu)
            for k in (1, 5):
                def dist(x):
                    c = -np.sort(-(unit(x - mu) @ R.T), axis=1)
                    return np.sqrt(np.maximum(0, 2 - 2 * c[:, k - 1]))
                d = np.sort(dist(cal))
                thr = d[len(d) - 1 - int(share * len(d))]
                vx, vl = F["val"]
                sets = {"val REAL": vx[vl == 0], "val FAKE": vx[vl == 1], "screens": F["screens"][0], "drawings": F["drawings"][0]}
                print(f"{name}, {'centred' if centred else 'plain'}, k {k}: threshold {thr:.3f}; beyond: "
                      + ", ".join(f"{n} {(dist(x) > thr).sum()}/{len(x)}" for n, x in sets.items()))


if __name__ == "__main__":
    main(sys.argv[1])
