#!/usr/bin/env python3
"""Seed corpora for scripts/fuzz.sh: usage fuzz_seeds.py OUT_DIR SHARED_DATA_DIR.

Each target gets the inputs its fuzz entry point expects: JPEG and PNG bodies without the signature the target
prepends, metadata-bearing files behind the container byte FuzzMetadata reads first, small tar / tar.gz shards,
safetensors files, manifest lines and multipart bodies. Stdlib only."""
import glob
import gzip
import io
import json
import os
import struct
import sys
import tarfile

out, shared = sys.argv[1], sys.argv[2]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def put(target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data)


def small(paths, limit=262144):
    return [p for p in sorted(paths) if os.path.isfile(p) and os.path.getsize(p) <= limit]


images = glob.glob(os.path.join(repo, "Tests/Fixtures/images/*")) + glob.glob(os.path.join(repo, "Tests/Fixtures/bad/REAL/*"))
images += sorted(glob.glob(os.path.join(shared, "cifake/sample/*/*.jpg")))[:6]
metadata = glob.glob(os.path.join(shared, "metadata/*/*"))
for path in small(images + metadata, 4 << 20):
    data = open(path, "rb").read()
    name = os.path.basename(path)
    if data[:3] == b"\xff\xd8\xff":
        if len(data) <= 262144:
            put("FuzzJPEG", name, data[3:])
        put("FuzzMetadata", name, b"\x00" + data[2:262144])
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        if len(data) <= 262144:
            put("FuzzPNG", name, data[8:])
        put("FuzzMetadata", name, b"\x01" + data[8:262144])



def c2pa_store(data):
    """The JUMBF manifest store of a PNG (caBX chunk) or JPEG (APP11 segments joined, repeated box headers dropped)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        at = 8
        while at + 12 <= len(data):
            n = int.from_bytes(data[at:at + 4], "big")
            if data[at + 4:at + 8] == b"caBX":
                return data[at + 8:at + 8 + n]
            at += 12 + n
        return None
    parts, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF and data[at + 1] not in (0xDA, 0xD9):
        n = int.from_bytes(data[at + 2:at + 4], "big")
        if data[at + 1] == 0xEB and data[at + 4:at + 6] == b"JP":
            parts.append(data[at + 12:at + 2 + n])
        at += 2 + n
    return parts[0] + b"".join(p[8:] for p in parts[1:]) if parts else None


# FuzzC2PA: 0 + CBOR items (a claim of each store), 1 + JUMBF stores, 2 + whole files under the length limit.
for path in sorted(glob.glob(os.path.join(shared, "metadata/c2pa/*"))):
    data, name = open(path, "rb").read(), os.path.basename(path)
    store = c2pa_store(data)
    if store:
        put("FuzzC2PA", name + ".jumbf", b"\x01" + store[:262143])
        at = store.find(b"cbor", store.find(b"c2pa.claim"))
        if at > 0:
            put("FuzzC2PA", name + ".claim.cbor", b"\x00" + store[at + 4:at + 4 + int.from_bytes(store[at - 4:at], "big") - 8])
    if len(data) < 262144:
        put("FuzzC2PA", name, b"\x02" + data)

samples = sorted(glob.glob(os.path.join(shared, "cifake/sample/*/*.jpg")))[:4]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
    for p in samples:
        tar.add(p, arcname=os.path.relpath(p, os.path.join(shared, "cifake/sample")))
    info = tarfile.TarInfo("FAKE/" + "long-name-" * 12 + ".jpg")
    data = open(samples[0], "rb").read()
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
put("FuzzTar", "pax.tar", buf.getvalue())
gnu = io.BytesIO()
with tarfile.open(fileobj=gnu, mode="w", format=tarfile.GNU_FORMAT) as tar:
    info = tarfile.TarInfo("REAL/" + "g" * 120 + ".jpg")
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
put("FuzzTar", "gnu.tar", gnu.getvalue())
put("FuzzGzip", "pax.tar.gz", gzip.compress(buf.getvalue())[2:])
put("FuzzGzip", "gnu.tar.gz", gzip.compress(gnu.getvalue(), 1)[2:])


def safetensors(tensors, metadata):
    header, blob = {"__metadata__": metadata}, b""
    for name, (shape, values) in tensors.items():
        raw = struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + blob


put("FuzzSafetensors", "small.safetensors", safetensors({"w": ([2, 3], [0.5] * 6), "b": ([3], [1, 2, 3])}, {"format": "discern-checkpoint-1"}))
put("FuzzSafetensors", "empty.safetensors", safetensors({}, {}))

for manifest in [os.path.join(shared, "cifake/manifest.jsonl"), os.path.join(shared, "wild/manifest.jsonl")]:
    if os.path.exists(manifest):
        with open(manifest, "rb") as f:
            put("FuzzManifest", os.path.basename(os.path.dirname(manifest)) + ".jsonl", b"".join(f.readline() for _ in range(8)))
put("FuzzManifest", "tar-path.jsonl", b'{"path": "x.tar.gz:REAL/a.jpg", "label": "real", "split": "val", "sha256": "00"}\n')


def multipart(parts, boundary="fuzz"):
    body = b""
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: image/jpeg\r\n\r\n".encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode()


put("FuzzMultipart", "two.txt", multipart([("file", "a.jpg", data[:200]), ("file", "b.png", b"\x89PNG")]))
put("FuzzMultipart", "field.txt", multipart([("note", None, b"hello")]))
print(f"seeds in {out}: " + ", ".join(f"{t} {len(os.listdir(os.path.join(out, t)))}" for t in sorted(os.listdir(out))))
