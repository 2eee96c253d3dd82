#!/usr/bin/env python3
"""Generate golden-file fixtures for Discern's image decoders (PNG, JPEG).

Run from the repository root:

    /work/peer-venv/bin/python scripts/make_image_fixtures.py

(the venv needs `numpy` and `Pillow`: `/work/peer-venv/bin/pip install numpy pillow`).

Output
------
Tests/Fixtures/images/
    Small images (at most 7 wide x 5 high, never square) and `expected.json`:

        {"pillow_version": "<PIL.__version__>",
         "files": {"<file name>": {"width": W, "height": H,
                                   "rgb": [H*W*3 ints, row-major R,G,B],
                                   "rule": "<how rgb was derived>",
                                   ...extra fields for some files...}}}

    `width`/`height`/`rgb` are what a correct decoder returns as 8-bit RGB
    (for the EXIF file: after applying the orientation, i.e. as displayed).
    Rules:
      * 8-bit PNG without alpha: the stored samples (grey g -> (g, g, g);
        palette index -> palette colour).
      * PNG with alpha: composited over white in the stored (encoded) values,
        out = round((a*c + (255-a)*255) / 255).
      * 16-bit PNG: out = v >> 8 (the files carry no gAMA/sRGB/iCCP chunk).
      * JPEG: Pillow's own decode (libjpeg-turbo, islow IDCT, fancy
        upsampling), `.convert("RGB")`; decoders other than libjpeg-turbo may
        legitimately differ by a few levels.
    Extra fields: "source_rgb" (png_palette.png, the 6-colour palette),
    "stored_width"/"stored_height"/"exif_orientation" (jpeg_exif_orient6.jpg),
    "raw_cmyk" (jpeg_cmyk.jpg).

Tests/Fixtures/bad/REAL/
    A hostile-input corpus laid out as a one-class image folder (label REAL):
    truncated.jpg, truncated.png, random.jpg, empty.png, huge_header.png,
    text.jpg, bad_crc.png, plus two good 8x8 images good1.jpg and good2.png.
    (Directory-named-like-an-image and unreadable-file cases are made by the
    tests at run time; they cannot live in git.)

Everything is deterministic: numpy generators with fixed seeds, no
timestamps in any file. Running the script twice gives identical bytes.
"""

import io
import json
import os
import struct
import sys
import zlib

import numpy as np
import PIL
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = os.path.join(ROOT, "Tests", "Fixtures", "images")
BAD = os.path.join(ROOT, "Tests", "Fixtures", "bad", "REAL")


# --------------------------------------------------------------------------
# helpers


def rng(seed):
    return np.random.default_rng(seed)


def over_white(c, a):
    """round((a*c + (255-a)*255) / 255) in exact integer arithmetic (no ties can occur)."""
    c = c.astype(np.int64)
    a = a.astype(np.int64)
    num = a * c + (255 - a) * 255
    return ((2 * num + 255) // 510).astype(np.uint8)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(width, height, bit_depth, color_type, raw_rows):
    """A minimal PNG: IHDR, one IDAT (filter type 0 on every row), IEND. No ancillary chunks."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    payload = b"".join(b"\x00" + row for row in raw_rows)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(payload, 9)) + png_chunk(b"IEND", b""))


def png_chunks(data):
    """[(offset of chunk start, type, data offset, length)] of a PNG byte string."""
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        out.append((pos, data[pos + 4:pos + 8], pos + 8, length))
        pos += 12 + length
    return out


def png_decode_raw(data):
    """Independent check of 16-bit files: (width, height, bit depth, colour type, samples as uint array)."""
    chunks = png_chunks(data)
    assert chunks[0][1] == b"IHDR"
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[chunks[0][2]:chunks[0][2] + 13])
    assert interlace == 0
    kinds = [c[1] for c in chunks]
    assert not {b"gAMA", b"sRGB", b"iCCP", b"cHRM"} & set(kinds), kinds
    idat = b"".join(data[o:o + n] for _, k, o, n in chunks if k == b"IDAT")
    raw = zlib.decompress(idat)
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    bpp = channels * depth // 8
    stride = w * bpp
    rows, prev, pos = [], bytearray(stride), 0
    for _ in range(h):
        ftype, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = prev[i]
            ul = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + left) & 255
            elif ftype == 2:
                line[i] = (line[i] + up) & 255
            elif ftype == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif ftype == 4:
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else ul)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    dtype = ">u2" if depth == 16 else "u1"
    samples = np.frombuffer(b"".join(rows), dtype=dtype).reshape(h, w, channels)
    return w, h, depth, ctype, samples


def rgb_of(img):
    arr = np.asarray(img.convert("RGB"), dtype=np.uint8)
    return arr


def entry(arr, rule, **extra):
    arr = np.asarray(arr, dtype=np.uint8)
    h, w, c = arr.shape
    assert c == 3
    out = {"width": int(w), "height": int(h), "rgb": [int(v) for v in arr.reshape(-1)], "rule": rule}
    out.update(extra)
    return out


def save_pil(img, path, **kw):
    buf = io.BytesIO()
    img.save(buf, **kw)
    data = buf.getvalue()
    with open(path, "wb") as f:
        f.write(data)
    return data


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def pixels(seed, h, w, c):
    """Varied 8-bit values that always include 0 and 255."""
    a = rng(seed).integers(0, 256, size=(h, w, c), dtype=np.int64).astype(np.uint8)
    a.reshape(-1)[0] = 0
    a.reshape(-1)[-1] = 255
    return a


# --------------------------------------------------------------------------
# good images with expectations


def make_images():
    os.makedirs(IMAGES, exist_ok=True)
    files = {}

    def path(name):
        return os.path.join(IMAGES, name)

    # --- png_rgb8.png: 7x5 RGB 8-bit
    a = pixels(101, 5, 7, 3)
    save_pil(Image.frombytes("RGB", (7, 5), a.tobytes()), path("png_rgb8.png"), format="PNG")
    assert np.array_equal(rgb_of(Image.open(path("png_rgb8.png"))), a)
    files["png_rgb8.png"] = entry(a, "8-bit RGB PNG (colour type 2); expected = stored samples")

    # --- png_grey8.png: 6x4 L
    g = pixels(102, 4, 6, 1)[..., 0]
    save_pil(Image.frombytes("L", (6, 4), g.tobytes()), path("png_grey8.png"), format="PNG")
    assert np.array_equal(np.asarray(Image.open(path("png_grey8.png"))), g)
    files["png_grey8.png"] = entry(np.repeat(g[..., None], 3, axis=2),
                                   "8-bit greyscale PNG (colour type 0); expected = (g, g, g)")

    # --- png_palette.png: 7x4 P with 6 colours
    palette = np.array([[0, 0, 0], [255, 255, 255], [200, 30, 40], [17, 180, 90], [60, 70, 250], [128, 129, 1]],
                       dtype=np.uint8)
    idx = rng(103).integers(0, 6, size=(4, 7)).astype(np.uint8)
    idx[0, :6] = np.arange(6)  # every colour is used
    p = Image.frombytes("P", (7, 4), idx.tobytes())
    p.putpalette(palette.reshape(-1).tolist(), rawmode="RGB")
    data = save_pil(p, path("png_palette.png"), format="PNG")
    back = Image.open(path("png_palette.png"))
    assert back.mode == "P" and "transparency" not in back.info
    plte = [c for c in png_chunks(data) if c[1] == b"PLTE"][0]
    expected = palette[idx]
    assert np.array_equal(rgb_of(back), expected)
    files["png_palette.png"] = entry(
        expected, "palette PNG (colour type 3, 8-bit indices, 6 used colours, no tRNS); expected = palette[index]",
        source_rgb=[int(v) for v in palette.reshape(-1)], plte_entries=plte[3] // 3)

    # --- png_rgba8.png: 7x5 RGBA with alpha incl. 0 and 255
    a = pixels(104, 5, 7, 4)
    alpha = a[..., 3]
    alpha.reshape(-1)[:4] = [0, 255, 1, 128]
    save_pil(Image.frombytes("RGBA", (7, 5), a.tobytes()), path("png_rgba8.png"), format="PNG")
    assert np.array_equal(np.asarray(Image.open(path("png_rgba8.png"))), a)
    expected = over_white(a[..., :3], a[..., 3:4])
    files["png_rgba8.png"] = entry(
        expected, "8-bit RGBA PNG (colour type 6); expected = over white in stored values: "
                  "round((a*c + (255-a)*255)/255), no gamma/linear-light compositing")

    # --- png_grey_alpha8.png: 5x3 LA
    la = pixels(105, 3, 5, 2)
    la[..., 1].reshape(-1)[:3] = [0, 255, 77]
    save_pil(Image.frombytes("LA", (5, 3), la.tobytes()), path("png_grey_alpha8.png"), format="PNG")
    assert np.array_equal(np.asarray(Image.open(path("png_grey_alpha8.png"))), la)
    gg = over_white(la[..., 0:1], la[..., 1:2])
    files["png_grey_alpha8.png"] = entry(
        np.repeat(gg, 3, axis=2), "8-bit grey+alpha PNG (colour type 4); expected grey = "
                                  "round((a*g + (255-a)*255)/255), then (g, g, g)")

    # --- png_grey16.png: 7x3 16-bit grey via Pillow mode I;16
    v = rng(106).integers(0, 65536, size=(3, 7), dtype=np.int64).astype(np.uint16)
    v.reshape(-1)[:6] = [0, 65535, 0x00FF, 0xFF00, 0x0180, 0x7FFF]  # catch byte order / scaling mistakes
    data = save_pil(Image.frombytes("I;16", (7, 3), v.astype("<u2").tobytes()), path("png_grey16.png"), format="PNG")
    w, h, depth, ctype, s = png_decode_raw(data)
    assert (w, h, depth, ctype) == (7, 3, 16, 0) and np.array_equal(s[..., 0], v)
    g8 = (v >> 8).astype(np.uint8)
    files["png_grey16.png"] = entry(
        np.repeat(g8[..., None], 3, axis=2),
        "16-bit greyscale PNG (colour type 0, written by Pillow from mode I;16, no gAMA/sRGB chunk); "
        "expected = (v >> 8) replicated to RGB", source_16=[int(x) for x in v.reshape(-1)])

    # --- png_rgb16.png: 6x5 16-bit RGB, hand-written
    v = rng(107).integers(0, 65536, size=(5, 6, 3), dtype=np.int64).astype(np.uint16)
    v.reshape(-1)[:6] = [0, 65535, 0x00FF, 0xFF00, 0x0180, 0x7FFF]
    rows = [v[y].astype(">u2").tobytes() for y in range(5)]
    data = png_bytes(6, 5, 16, 2, rows)
    write(path("png_rgb16.png"), data)
    w, h, depth, ctype, s = png_decode_raw(data)
    assert (w, h, depth, ctype) == (6, 5, 16, 2) and np.array_equal(s, v)
    files["png_rgb16.png"] = entry(
        (v >> 8).astype(np.uint8),
        "16-bit RGB PNG (colour type 2), hand-written with zlib (filter 0 on every row, no gAMA/sRGB chunk); "
        "expected = v >> 8", source_16=[int(x) for x in v.reshape(-1)])

    # --- jpeg_q75.jpg: 7x5 RGB quality 75 (Pillow default 4:2:0)
    a = pixels(108, 5, 7, 3)
    save_pil(Image.frombytes("RGB", (7, 5), a.tobytes()), path("jpeg_q75.jpg"), format="JPEG", quality=75)
    im = Image.open(path("jpeg_q75.jpg"))
    assert im.mode == "RGB"
    files["jpeg_q75.jpg"] = entry(
        rgb_of(im), "baseline YCbCr JPEG from Pillow, quality 75, 4:2:0; expected = Pillow decode "
                    "(libjpeg-turbo, islow IDCT, fancy upsampling) .convert('RGB')")

    # --- jpeg_q75_gray.jpg: 6x5 greyscale quality 75
    g = pixels(109, 5, 6, 1)[..., 0]
    save_pil(Image.frombytes("L", (6, 5), g.tobytes()), path("jpeg_q75_gray.jpg"), format="JPEG", quality=75)
    im = Image.open(path("jpeg_q75_gray.jpg"))
    assert im.mode == "L"
    files["jpeg_q75_gray.jpg"] = entry(
        rgb_of(im), "single-component greyscale JPEG from Pillow, quality 75; expected = Pillow decode "
                    "(mode L) .convert('RGB'), i.e. (g, g, g)")

    # --- jpeg_exif_orient6.jpg: stored 7x5, Orientation=6, displayed 5x7
    a = pixels(110, 5, 7, 3)
    img = Image.frombytes("RGB", (7, 5), a.tobytes())
    exif = img.getexif()
    exif[0x0112] = 6
    save_pil(img, path("jpeg_exif_orient6.jpg"), format="JPEG", quality=95, exif=exif.tobytes())
    im = Image.open(path("jpeg_exif_orient6.jpg"))
    assert im.size == (7, 5) and im.getexif().get(0x0112) == 6
    shown = ImageOps.exif_transpose(im).convert("RGB")
    assert shown.size == (5, 7)
    stored = rgb_of(Image.open(path("jpeg_exif_orient6.jpg")))
    assert np.array_equal(np.asarray(shown), np.rot90(stored, k=-1))  # 6 = rotate 90 degrees clockwise
    files["jpeg_exif_orient6.jpg"] = entry(
        np.asarray(shown), "YCbCr JPEG from Pillow, quality 95, 4:2:0, stored 7x5 with EXIF Orientation=6 "
                           "(big-endian TIFF header in APP1); expected = image as displayed = "
                           "ImageOps.exif_transpose(Pillow decode).convert('RGB'): the stored pixels "
                           "rotated 90 degrees clockwise, 5 wide x 7 high",
        stored_width=7, stored_height=5, exif_orientation=6)

    # --- jpeg_cmyk.jpg: 7x5 CMYK (Pillow writes Adobe-inverted CMYK)
    c = pixels(111, 5, 7, 4)
    save_pil(Image.frombytes("CMYK", (7, 5), c.tobytes()), path("jpeg_cmyk.jpg"), format="JPEG", quality=95)
    im = Image.open(path("jpeg_cmyk.jpg"))
    assert im.mode == "CMYK"
    raw = np.asarray(im)
    rgb = rgb_of(im)
    # Pillow: R = 255 - C - K + C*K/255 rounded = round((255-C)*(255-K)/255), with C, K un-inverted.
    inv = 255 - raw.astype(np.int64)
    prod = inv[..., :3] * inv[..., 3:4]
    assert np.array_equal(rgb, ((2 * prod + 255) // 510).astype(np.uint8))
    files["jpeg_cmyk.jpg"] = entry(
        rgb, "4-component CMYK JPEG from Pillow (quality 95, Adobe APP14 transform 0). Pillow stores "
             "Adobe-inverted CMYK: the file's samples (what libjpeg/TurboJPEG TJPF_CMYK returns) are "
             "255 - raw_cmyk. expected = Pillow decode .convert('RGB') = round((255-C)*(255-K)/255) "
             "per channel with C, K from raw_cmyk, i.e. round(C'*K'/255) with C', K' as stored in the file",
        raw_cmyk=[int(x) for x in raw.reshape(-1)])

    for name, e in files.items():
        w, h = e["width"], e["height"]
        assert w != h and (w <= 7 and h <= 5 or name == "jpeg_exif_orient6.jpg"), name
        assert len(e["rgb"]) == w * h * 3, name

    lines = ["{", '  "pillow_version": %s,' % json.dumps(PIL.__version__), '  "files": {']
    names = sorted(files)
    for i, name in enumerate(names):
        lines.append("    %s: %s%s" % (json.dumps(name), json.dumps(files[name]), "," if i < len(names) - 1 else ""))
    lines += ["  }", "}", ""]
    text = "\n".join(lines)
    json.loads(text)
    with open(path("expected.json"), "w") as f:
        f.write(text)
    return files


# --------------------------------------------------------------------------
# hostile / bad inputs


def make_bad():
    os.makedirs(BAD, exist_ok=True)

    def path(name):
        return os.path.join(BAD, name)

    # truncated.jpg: a valid 32x24 JPEG cut to 60% of its bytes (the cut lands inside the entropy-coded scan)
    a = rng(201).integers(0, 256, size=(24, 32, 3), dtype=np.int64).astype(np.uint8)
    buf = io.BytesIO()
    Image.frombytes("RGB", (32, 24), a.tobytes()).save(buf, format="JPEG", quality=75)
    jpg = buf.getvalue()
    cut = len(jpg) * 60 // 100
    assert jpg.index(b"\xff\xda") < cut
    write(path("truncated.jpg"), jpg[:cut])

    # truncated.png: a valid 32x24 RGB PNG cut in the middle of its IDAT data
    a = rng(202).integers(0, 256, size=(24, 32, 3), dtype=np.int64).astype(np.uint8)
    png = png_bytes(32, 24, 8, 2, [a[y].tobytes() for y in range(24)])
    _, _, off, n = [c for c in png_chunks(png) if c[1] == b"IDAT"][0]
    write(path("truncated.png"), png[:off + n // 2])

    # random.jpg: 200 random bytes
    write(path("random.jpg"), rng(203).integers(0, 256, size=200, dtype=np.int64).astype(np.uint8).tobytes())

    # empty.png: 0 bytes
    write(path("empty.png"), b"")

    # huge_header.png: IHDR claims 100000 x 100000 RGB 8-bit (correct CRC), then a tiny IDAT and IEND
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    tiny = zlib.compress(b"\x00" + b"\x00" * 30, 9)
    write(path("huge_header.png"),
          b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", tiny) + png_chunk(b"IEND", b""))

    # text.jpg
    write(path("text.jpg"), b"hello, not an image\n")

    # bad_crc.png: a valid 7x5 RGB PNG with one byte flipped inside the IDAT data (CRC left as it was)
    a = rng(204).integers(0, 256, size=(5, 7, 3), dtype=np.int64).astype(np.uint8)
    png = bytearray(png_bytes(7, 5, 8, 2, [a[y].tobytes() for y in range(5)]))
    _, _, off, n = [c for c in png_chunks(bytes(png)) if c[1] == b"IDAT"][0]
    png[off + n // 2] ^= 0xFF
    crc_stored = struct.unpack(">I", png[off + n:off + n + 4])[0]
    assert crc_stored != zlib.crc32(bytes(png[off - 4:off + n])) & 0xFFFFFFFF
    write(path("bad_crc.png"), bytes(png))

    # two good 8x8 images
    a = rng(205).integers(0, 256, size=(8, 8, 3), dtype=np.int64).astype(np.uint8)
    Image.frombytes("RGB", (8, 8), a.tobytes()).save(path("good1.jpg"), format="JPEG", quality=75)
    a = rng(206).integers(0, 256, size=(8, 8, 3), dtype=np.int64).astype(np.uint8)
    Image.frombytes("RGB", (8, 8), a.tobytes()).save(path("good2.png"), format="PNG")


# --------------------------------------------------------------------------


def main():
    files = make_images()
    make_bad()
    print("Pillow", PIL.__version__, "numpy", np.__version__)
    for d in (IMAGES, BAD):
        print(os.path.relpath(d, ROOT) + "/")
        for name in sorted(os.listdir(d)):
            print("  %-24s %7d bytes" % (name, os.path.getsize(os.path.join(d, name))))
    print("expected (first 9 bytes = first 3 pixels):")
    for name in sorted(files):
        e = files[name]
        print("  %-24s %dx%d  %s" % (name, e["width"], e["height"], e["rgb"][:9]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
