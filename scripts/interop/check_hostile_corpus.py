#!/usr/bin/env python3
"""A 210-file corpus of odd and hostile files must not cost a single valid image (issue #30).

Builds the corpus (seeded, into a temporary folder): 110 valid images that stress the decoders in other ways than
CIFAKE does (greyscale, CMYK, progressive, 4:4:4/4:2:2, optimised Huffman, EXIF orientations 1-8, ICC/XMP/COM
segments, a 4000x3000 and other large photos, 1xN strips, every PNG colour type and bit depth, text chunks, upper
case and swapped extensions, odd file names), 90 hostile files (empty, text, random bytes, truncations at many
offsets, SOF/DQT/DHT/SOS corruptions, zero or huge dimensions, bad CRCs, broken IDAT, a zTXt bomb, an XMP entity
bomb, oversized APP segments, a 100-MP claim, a directory, a FIFO and a dangling symlink named like images) and 10
files in formats Discern does not read (GIF, WebP, TIFF, BMP). File names are numbered in a shuffled order, so good
and bad files interleave.

Then checks, with the release binary:
  1. `discern classify CORPUS` answers every valid image with the same p_fake as a folder of only the valid images,
     and as each of 12 of them classified alone; every hostile file is named unreadable; every unsupported file is
     named; the exit status is 1 (some unreadable), and nothing hangs (FIFO included).
  2. `discern dataset inspect CORPUS --format json` counts no valid image as unreadable and every hostile one.
  3. `discern serve`: each corpus file posted raw, in the shuffled order, gets 200 with the CLI's p_fake (valid) or a
     4xx (hostile), and /healthz still answers.

Usage: check_hostile_corpus.py path/to/discern ../shared/data
"""
import io
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zlib

from PIL import Image, ImageFilter

BINARY, DATA = os.path.abspath(sys.argv[1]), sys.argv[2]
failures = []
# p_fake of one image may move by ~3e-7 with the batch it is scored in (float32 GEMM sums in another order); a decoder
# that carried state from a bad file into a good one changes pixels, and p_fake by orders of magnitude more.
TOLERANCE = 1e-5


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


# ---------------------------------------------------------------------------------------------------------------
# The corpus


def jpeg_bytes(img, **kw):
    out = io.BytesIO()
    img.save(out, "JPEG", **kw)
    return out.getvalue()


def png_bytes(img, **kw):
    out = io.BytesIO()
    img.save(out, "PNG", **kw)
    return out.getvalue()


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def insert_after_ihdr(png, chunks):
    return png[:33] + b"".join(chunks) + png[33:]


def patch_after(data, marker, offset, new):
    at = data.index(marker) + offset
    return data[:at] + new + data[at + len(new):]


def app_segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def with_segment(jpeg, segment):
    return jpeg[:2] + segment + jpeg[2:]


def sources(data):
    """Ten CIFAKE sample images (32x32) and six wild crops (a few hundred px), as RGB PIL images."""
    images = []
    for label in ("REAL", "FAKE"):
        folder = os.path.join(data, "cifake", "sample", label)
        for name in sorted(os.listdir(folder))[:5]:
            images.append(Image.open(os.path.join(folder, name)).convert("RGB"))
    with tarfile.open(os.path.join(data, "wild", "val.tar.gz")) as tar:
        for member in tar:
            if member.isfile() and member.name.lower().endswith((".jpg", ".jpeg", ".png")):
                images.append(Image.open(io.BytesIO(tar.extractfile(member).read())).convert("RGB"))
                if len(images) == 16:
                    break
    return images


def valid_files(images, rng):
    """110 valid (name, bytes) pairs."""
    out = []
    small, wild = images[:10], images[10:]
    for i, img in enumerate(small + wild):  # 16 x 3
        out.append((f"baseline-q{[50, 75, 95][i % 3]}-{i}.jpg", jpeg_bytes(img, quality=[50, 75, 95][i % 3])))
        out.append((f"progressive-{i}.jpg", jpeg_bytes(img, quality=85, progressive=True)))
        out.append((f"grey-{i}.jpg", jpeg_bytes(img.convert("L"), quality=90)))
    for i, img in enumerate(wild):  # 6 x 4
        out.append((f"cmyk-{i}.jpg", jpeg_bytes(img.convert("CMYK"), quality=90)))
        out.append((f"s422-optimised-{i}.jpg", jpeg_bytes(img, quality=80, subsampling=1, optimize=True)))
        out.append((f"png-rgba-{i}.png", png_bytes(img.convert("RGBA"))))
        out.append((f"png-palette-{i}.png", png_bytes(img.convert("P", palette=Image.ADAPTIVE, colors=64))))
    for i, img in enumerate(wild[:2]):  # 2 x 2
        out.append((f"png-rgb-{i}.png", png_bytes(img)))
        out.append((f"png-grey16-{i}.png", png_bytes(img.convert("L").convert("I;16"))))
    for o in range(1, 9):  # EXIF orientations
        exif = Image.Exif()
        exif[0x0112] = o
        out.append((f"exif-orientation-{o}.jpg", jpeg_bytes(wild[o % len(wild)], quality=88, exif=exif.tobytes())))
    base = wild[0]
    icc = b"\x00" * 128 + b"acsp" + b"\x00" * 400  # an ICC-shaped blob: carried, not interpreted
    out.append(("icc.jpg", jpeg_bytes(base, quality=85, icc_profile=icc)))
    xmp = b'http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    out.append(("xmp.jpg", with_segment(jpeg_bytes(base, quality=85), app_segment(0xE1, xmp))))
    out.append(("comment.jpg", with_segment(jpeg_bytes(base, quality=85), app_segment(0xFE, b"made for a test " * 100))))
    out.append(("many-app-segments.jpg", jpeg_bytes(base, quality=85)[:2] + b"".join(app_segment(0xE9, bytes(1000)) for _ in range(60))
                + jpeg_bytes(base, quality=85)[2:]))
    big = base.resize((4000, 3000), Image.BICUBIC).filter(ImageFilter.DETAIL)
    out.append(("photo-4000x3000.jpg", jpeg_bytes(big, quality=90)))
    out.append(("photo-4000x3000-progressive.jpg", jpeg_bytes(big, quality=80, progressive=True)))
    out.append(("grey-3000x2000.jpg", jpeg_bytes(big.convert("L").resize((3000, 2000)), quality=85)))
    out.append(("png-2000x1500.png", png_bytes(big.resize((2000, 1500)))))
    out.append(("strip-1x600.jpg", jpeg_bytes(base.resize((1, 600)), quality=90)))
    out.append(("strip-600x1.png", png_bytes(base.resize((600, 1)))))
    out.append(("one-pixel.jpg", jpeg_bytes(base.resize((1, 1)), quality=90)))
    out.append(("one-pixel.png", png_bytes(base.resize((1, 1)))))
    out.append(("png-1bit.png", png_bytes(base.convert("1"))))
    out.append(("png-grey-alpha.png", png_bytes(base.convert("LA"))))
    out.append(("png-palette-transparent.png", png_bytes(base.convert("P", palette=Image.ADAPTIVE, colors=16), transparency=0)))
    text = [png_chunk(b"tEXt", b"Comment\x00" + b"hello " * 200), png_chunk(b"zTXt", b"Note\x00\x00" + zlib.compress(b"x" * 50000)),
            png_chunk(b"iTXt", b"Title\x00\x00\x00en\x00\x00" + "Фото".encode())]
    out.append(("png-text-chunks.png", insert_after_ihdr(png_bytes(base), text)))
    out.append(("UPPER.JPG", jpeg_bytes(small[0], quality=90)))
    out.append(("Mixed.Jpeg", jpeg_bytes(small[1], quality=90)))
    out.append(("UPPER.PNG", png_bytes(small[2])))
    out.append(("jpeg-named.png", jpeg_bytes(small[3], quality=90)))
    out.append(("png-named.jpg", png_bytes(small[4])))
    out.append(("name with spaces.jpg", jpeg_bytes(small[5], quality=90)))
    out.append(("фото-ünïcode.jpg", jpeg_bytes(small[6], quality=90)))
    out.append((".hidden-dotfile.jpg", jpeg_bytes(small[7], quality=90)))
    out.append(("trailing-garbage.jpg", jpeg_bytes(small[8], quality=90) + bytes(rng.getrandbits(8) for _ in range(500))))
    out.append(("restart-free-444-q100.jpg", jpeg_bytes(small[9], quality=100, subsampling=0)))
    assert len(out) == 110, len(out)
    return out


def hostile_files(images, rng):
    """90 hostile (name, bytes) pairs; `None` bytes marks the special files made in `write_corpus`. Names starting
    `meta:` have valid pixels and hostile metadata (EXIF loops, XML entity bombs, zTXt bombs, broken JUMBF): those
    must be scored like any valid image, in bounded time."""
    base_jpeg = jpeg_bytes(images[10], quality=85)
    prog_jpeg = jpeg_bytes(images[11], quality=85, progressive=True)
    base_png = png_bytes(images[12])
    rand = lambda n: bytes(rng.getrandbits(8) for _ in range(n))
    out = [("empty.jpg", b""), ("empty.png", b""), ("text.jpg", b"just some text\n"), ("text.png", b"<html>not an image</html>"),
           ("one-byte.jpg", b"\xff"), ("soi-only.jpg", b"\xff\xd8"), ("png-magic-only.png", base_png[:8])]
    for n in (17, 300, 3000, 70000):
        out.append((f"random-{n}.jpg", rand(n)))
        out.append((f"soi-random-{n}.jpg", b"\xff\xd8\xff" + rand(n)))
        out.append((f"png-magic-random-{n}.png", base_png[:8] + rand(n)))
    for frac in (0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9, 0.97):
        out.append((f"truncated-{int(frac * 100)}.jpg", base_jpeg[:int(len(base_jpeg) * frac)]))
        out.append((f"truncated-progressive-{int(frac * 100)}.jpg", prog_jpeg[:int(len(prog_jpeg) * frac)]))
        out.append((f"truncated-{int(frac * 100)}.png", base_png[:int(len(base_png) * frac)]))
    sof = b"\xff\xc0"
    out += [
        ("sof-65535x65535.jpg", patch_after(base_jpeg, sof, 5, b"\xff\xff\xff\xff")),
        ("sof-zero-width.jpg", patch_after(base_jpeg, sof, 7, b"\x00\x00")),
        ("sof-zero-height.jpg", patch_after(base_jpeg, sof, 5, b"\x00\x00")),
        ("sof-no-components.jpg", patch_after(base_jpeg, sof, 9, b"\x00")),
        ("sof-255-components.jpg", patch_after(base_jpeg, sof, 9, b"\xff")),
        ("sof-precision-3.jpg", patch_after(base_jpeg, sof, 4, b"\x03")),
        ("sof-bad-sampling.jpg", patch_after(base_jpeg, sof, 11, b"\x0f")),
        ("sof-10000x10000-truncated.jpg", patch_after(base_jpeg, sof, 5, b"\x27\x10\x27\x10")[:2000]),
        ("dqt-table-9.jpg", patch_after(base_jpeg, b"\xff\xdb", 4, b"\x09")),
        ("dqt-length-huge.jpg", patch_after(base_jpeg, b"\xff\xdb", 2, b"\xff\xff")),
        ("dht-bogus.jpg", patch_after(base_jpeg, b"\xff\xc4", 4, b"\x7f\xff\xff\xff\xff\xff")),
        ("dht-length-short.jpg", patch_after(base_jpeg, b"\xff\xc4", 2, b"\x00\x03")),
        ("sos-bad-component.jpg", patch_after(base_jpeg, b"\xff\xda", 5, b"\x09")),
        ("sos-zero-components.jpg", patch_after(base_jpeg, b"\xff\xda", 4, b"\x00")),
        ("no-sos.jpg", base_jpeg[:base_jpeg.index(b"\xff\xda")] + b"\xff\xd9"),
        ("two-soi.jpg", b"\xff\xd8" + base_jpeg),
        ("app1-length-past-end.jpg", base_jpeg[:2] + b"\xff\xe1\xff\xff" + b"Exif\x00\x00" + rand(100)),
        ("meta:exif-hostile-ifd.jpg", with_segment(base_jpeg, app_segment(0xE1, b"Exif\x00\x00MM\x00\x2a\xff\xff\xff\xf0" + rand(200)))),
        ("meta:exif-ifd-loop.jpg", with_segment(base_jpeg, app_segment(0xE1, b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01"
                                                                  + b"\x87\x69\x00\x04\x00\x00\x00\x01\x00\x00\x00\x08" + b"\x00\x00\x00\x08"))),
        ("entropy-garbage.jpg", base_jpeg[:len(base_jpeg) // 2] + rand(len(base_jpeg) // 2 - 2) + b"\xff\xd9"),
    ]
    ihdr = base_png.index(b"IHDR")

    def ihdr_patched(offset, new):
        p = bytearray(base_png)
        p[ihdr + offset:ihdr + offset + len(new)] = new
        p[ihdr + 17:ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(p[ihdr:ihdr + 17])) & 0xFFFFFFFF)
        return bytes(p)

    bad_crc = bytearray(base_png)
    bad_crc[-20] ^= 0xFF
    idat = base_png.index(b"IDAT")
    broken_idat = bytearray(base_png)
    broken_idat[idat + 10:idat + 60] = rand(50)
    bomb = [png_chunk(b"zTXt", b"bomb\x00\x00" + zlib.compress(b"\x00" * (16 << 20), 9)) for _ in range(40)]
    out += [
        ("png-ihdr-100000x100000.png", ihdr_patched(4, struct.pack(">II", 100000, 100000))),
        ("png-ihdr-10000x10000.png", ihdr_patched(4, struct.pack(">II", 10000, 10000))),
        ("png-ihdr-zero.png", ihdr_patched(4, struct.pack(">II", 0, 0))),
        ("png-bit-depth-7.png", ihdr_patched(12, b"\x07")),
        ("png-colour-type-5.png", ihdr_patched(13, b"\x05")),
        ("png-interlace-9.png", ihdr_patched(16, b"\x09")),
        ("png-bad-crc.png", bytes(bad_crc)),
        ("png-broken-idat.png", bytes(broken_idat)),
        ("png-no-idat.png", base_png[:idat - 4] + png_chunk(b"IEND", b"")),
        ("meta:png-ztxt-bomb.png", insert_after_ihdr(base_png, bomb)),
        ("png-chunk-length-huge.png", base_png[:33] + struct.pack(">I", 0x7FFFFFF0) + b"tEXt" + rand(64)),
        ("meta:png-10000-chunks.png", insert_after_ihdr(base_png, [png_chunk(b"tEXt", b"k\x00v")] * 10000)),
        ("meta:xmp-entity-bomb.jpg", with_segment(base_jpeg, app_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00"
                                                                   + b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                                                                   + b"".join(b'<!ENTITY %c "%s">' % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(9))
                                                                   + b"]><x>&j;</x>"))),
        ("meta:jumbf-huge-box.jpg", with_segment(base_jpeg, app_segment(0xEB, b"JP\x00\x01\x00\x00\x00\x01" + b"\xff\xff\xff\xf0jumb" + rand(100)))),
        ("meta:c2pa-truncated.png", insert_after_ihdr(base_png, [png_chunk(b"caBX", b"\x00\x00\x10\x00jumb" + rand(40))])),
        ("gif-named.jpg", b"GIF89a" + rand(100)),
        ("dir.jpg", None), ("fifo.jpg", None), ("dangling-link.png", None), ("dir.png", None),
    ]
    # Top up to 90 with single-byte flips of the baseline JPEG's headers (seeded).
    while len(out) < 90:
        p = bytearray(base_jpeg)
        at = rng.randrange(2, base_jpeg.index(b"\xff\xda") + 12)
        p[at] ^= 1 << rng.randrange(8)
        try:
            Image.open(io.BytesIO(bytes(p))).load()
            continue  # Pillow still reads it: not hostile enough to count as bad
        except Exception:
            out.append((f"bitflip-{len(out)}.jpg", bytes(p)))
    assert len(out) == 90, len(out)
    return out


def unsupported_files(images):
    out = []
    for i, img in enumerate(images[10:15]):
        for fmt, ext in (("GIF", "gif"), ("WEBP", "webp")):
            b = io.BytesIO()
            img.save(b, fmt)
            out.append((f"photo-{i}.{ext}", b.getvalue()))
    b = io.BytesIO()
    images[15].save(b, "TIFF")
    out[-1] = ("photo.tiff", b.getvalue())
    b = io.BytesIO()
    images[14].save(b, "BMP")
    out[-2] = ("photo.bmp", b.getvalue())
    assert len(out) == 10
    return out


def write_corpus(root, data):
    rng = random.Random(30)
    images = sources(data)
    kinds = [("valid", v) for v in valid_files(images, rng)] + [("hostile", h) for h in hostile_files(images, rng)] \
        + [("unsupported", u) for u in unsupported_files(images)]
    order = list(range(len(kinds)))
    rng.shuffle(order)
    corpus = {}
    for rank, k in enumerate(order):
        kind, (name, payload) = kinds[k]
        if name.startswith("meta:"):
            kind, name = "metadata", name[5:]
        label = "REAL" if rank % 2 == 0 else "FAKE"
        os.makedirs(os.path.join(root, label), exist_ok=True)
        fname = name if name.startswith(".") else f"{rank:03d}-{name}"
        path = os.path.join(root, label, fname)
        if name.startswith("dir."):
            os.makedirs(path)
        elif name == "fifo.jpg":
            os.mkfifo(path)
        elif name == "dangling-link.png":
            os.symlink(os.path.join(root, "nowhere.png"), path)
        else:
            with open(path, "wb") as f:
                f.write(payload)
        corpus[path] = kind
    return corpus


# ---------------------------------------------------------------------------------------------------------------
# The checks


def classify(paths, timeout=600):
    run = subprocess.run([BINARY, "classify", *paths, "--format", "json"], capture_output=True, text=True, timeout=timeout)
    results = {}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            obj = json.loads(line)
            results[os.path.abspath(obj["path"])] = obj
    return run, results


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    root = tempfile.mkdtemp(prefix="discern-corpus-")
    try:
        corpus = write_corpus(root, DATA)
        valid = sorted(p for p, k in corpus.items() if k in ("valid", "metadata"))
        hostile = sorted(p for p, k in corpus.items() if k == "hostile")
        unsupported = sorted(p for p, k in corpus.items() if k == "unsupported")
        metadata = sum(1 for k in corpus.values() if k == "metadata")
        print(f"corpus: {len(corpus)} files ({len(valid)} valid images, {metadata} of them with hostile metadata; "
              f"{len(hostile)} hostile; {len(unsupported)} unsupported)")
        check(len(corpus) == 210, "the corpus has 210 files")

        t0 = time.time()
        run, mixed = classify([root])
        elapsed = time.time() - t0
        lost = [os.path.basename(p) for p in valid if p not in mixed]
        check(not lost, f"classify of the mixed folder scored all {len(valid)} valid images in {elapsed:.1f} s (lost: {lost[:8]})")
        check(run.returncode == 1, f"exit status 1 for a folder with unreadable files (got {run.returncode})")
        scored_bad = [os.path.basename(p) for p in hostile if p in mixed]
        check(not scored_bad, f"no hostile file was scored as an image (scored: {scored_bad[:8]})")
        unnamed = [os.path.basename(p) for p in hostile if os.path.basename(p) not in run.stderr]
        check(not unnamed, f"every hostile file is named on stderr (unnamed: {unnamed[:8]})")
        unnamed = [os.path.basename(p) for p in unsupported if os.path.basename(p) not in run.stderr + run.stdout]
        check(not unnamed, f"every unsupported-format file is named (unnamed: {unnamed[:8]})")

        clean = tempfile.mkdtemp(prefix="discern-clean-")
        try:
            copies = {}
            for p in valid:
                dst = os.path.join(clean, os.path.basename(os.path.dirname(p)), os.path.basename(p))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(p, dst)
                copies[p] = dst
            run_clean, alone_folder = classify([clean])
            check(run_clean.returncode == 0, f"the valid images alone classify with exit 0 (got {run_clean.returncode}: {run_clean.stderr.strip()[-300:]})")
            differ = [os.path.basename(p) for p in valid if p in mixed and copies[p] in alone_folder
                      and abs(mixed[p]["p_fake"] - alone_folder[copies[p]]["p_fake"]) > TOLERANCE]
            check(not differ, f"each valid image has the same p_fake beside hostile files as among valid ones only (differ: {differ[:8]})")
        finally:
            shutil.rmtree(clean)
        sample = random.Random(7).sample(valid, 12)
        differ = []
        for p in sample:
            _, one = classify([p], timeout=120)
            if p not in one or p not in mixed or abs(one[p]["p_fake"] - mixed[p]["p_fake"]) > TOLERANCE:
                differ.append(os.path.basename(p))
        check(not differ, f"12 valid images classified alone give the folder's p_fake (differ: {differ})")

        inspect = subprocess.run([BINARY, "dataset", "inspect", root, "--format", "json"], capture_output=True, text=True, timeout=600)
        report = json.loads(inspect.stdout)
        text = json.dumps(report["unreadable_files"])
        wrongly = [os.path.basename(p) for p in valid if os.path.basename(p) in text]
        check(not wrongly, f"dataset inspect counts no valid image unreadable (wrongly: {wrongly[:8]})")
        missed = [os.path.basename(p) for p in hostile if os.path.basename(p) not in text
                  and not os.path.isdir(p) and os.path.basename(p) != "dangling-link.png"]
        check(not missed, f"dataset inspect names every hostile file unreadable (missed: {missed[:8]})")

        port = free_port()
        server = subprocess.Popen([BINARY, "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except Exception:
                    time.sleep(0.1)
            order = sorted(corpus, key=lambda p: os.path.basename(p))
            wrong, statuses = [], {}
            for p in order:
                if not os.path.isfile(p) or corpus[p] == "unsupported":
                    continue
                with open(p, "rb") as f:
                    body = f.read()
                req = urllib.request.Request(base + "/v1/classify", data=body, method="POST",
                                             headers={"Content-Type": "application/octet-stream"})
                try:
                    with urllib.request.urlopen(req, timeout=60) as r:
                        status, answer = r.status, json.loads(r.read())
                except urllib.error.HTTPError as e:
                    status, answer = e.code, None
                statuses[status] = statuses.get(status, 0) + 1
                if corpus[p] in ("valid", "metadata"):
                    if status != 200 or p not in mixed or abs(answer["p_fake"] - mixed[p]["p_fake"]) > TOLERANCE:
                        wrong.append((os.path.basename(p), status))
                elif not (400 <= status < 500):
                    wrong.append((os.path.basename(p), status))
            check(not wrong, f"serve: valid uploads 200 with the CLI's p_fake, hostile ones 4xx, in corpus order {statuses} (wrong: {wrong[:8]})")
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                check(r.status == 200, "serve: /healthz answers after the corpus")
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if failures:
        print(f"hostile corpus check: {len(failures)} failed", file=sys.stderr)
        sys.exit(1)
    print("hostile corpus check: all passed")


if __name__ == "__main__":
    main()
