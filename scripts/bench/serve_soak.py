#!/usr/bin/env python3
"""Soak of `discern serve` (issue #30): CLIENTS clients for SECONDS seconds on loopback, mixed good and hostile
bodies; samples the server's RSS every 5 s, writes OUT.csv and OUT.png (RSS over time) and a JSON summary.

Good bodies (CIFAKE sample JPEGs, a 1 MP PNG, a two-file multipart) must all answer 200; hostile ones (truncated,
random, SOF-bomb JPEG, zTXt-bomb PNG, 20x 7000x7000 multipart, 2,000-part multipart, no API key, wrong method) must
all answer 4xx. Every loop is bounded in time; traffic goes to 127.0.0.1 only.

Usage: serve_soak.py DISCERN SHARED_DATA OUT_PREFIX [SECONDS] [CLIENTS]
"""
import http.client
import io
import json
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib

def plot(prefix, rss, clients):
    """RSS (and its high-water mark) over time as PREFIX.png, when Pillow is there."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        return
    w, h, pad = 800, 360, 50
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    top = max(p for _, _, p in rss) * 1.2 + 1
    xs = lambda s: pad + (w - 2 * pad) * s / max(1, rss[-1][0])
    ys = lambda r: h - pad - (h - 2 * pad) * r / top
    d.line([(pad, h - pad), (w - pad, h - pad)], fill="black")
    d.line([(pad, pad), (pad, h - pad)], fill="black")
    d.line([(xs(s), ys(p)) for s, _, p in rss], fill=(120, 120, 120), width=1)
    d.line([(xs(s), ys(r)) for s, r, _ in rss], fill=(200, 30, 30), width=2)
    for frac in (0, 0.25, 0.5, 0.75, 1):
        d.text((5, ys(top * frac) - 5), f"{top * frac:.0f}", fill="black")
        d.text((xs(rss[-1][0] * frac) - 10, h - pad + 8), f"{rss[-1][0] * frac:.0f}", fill="black")
    d.text((pad, 10), f"discern serve RSS in MB (red; grey: peak) over {rss[-1][0]:.0f} s, {clients} clients, good and hostile bodies", fill="black")
    d.text((w - pad - 60, h - pad + 24), "seconds", fill="black")
    img.save(prefix + ".png")


if len(sys.argv) > 2 and sys.argv[1] == "--plot":
    # Re-draw PREFIX.png from PREFIX.csv: serve_soak.py --plot PREFIX [CLIENTS]
    with open(sys.argv[2] + ".csv") as f:
        rows = [tuple(float(v) for v in line.split(",")) for line in f.read().split()[1:]]
    plot(sys.argv[2], rows, int(sys.argv[3]) if len(sys.argv) > 3 else 50)
    sys.exit(0)

binary, shared, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 600
clients = int(sys.argv[5]) if len(sys.argv) > 5 else 50
KEY = "soak-key"


def png(width, height, chunks=()):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rnd = random.Random(width)
    comp = zlib.compressobj(6)
    idat = b"".join(comp.compress(b"\x00" + bytes(rnd.getrandbits(8) for _ in range(width * 3)) if width <= 1200 else b"\x00" + b"\x40" * (width * 3))
                    for _ in range(height)) + comp.flush()
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    for kind, data in chunks:
        out += chunk(kind, data)
    return out + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def multipart(files, boundary="soak"):
    body = io.BytesIO()
    for name, data in files:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode())
        body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


samples = sorted(os.path.join(shared, "cifake/sample", d, n) for d in ("REAL", "FAKE") for n in os.listdir(os.path.join(shared, "cifake/sample", d)))
jpegs = [open(p, "rb").read() for p in samples[:16]]
sof = bytearray(jpegs[0][:914])
i = sof.index(b"\xff\xc0")
sof[i + 5:i + 9] = b"\xff\xff\xff\xff"
mp_good, mp_type = multipart([("a.jpg", jpegs[0]), ("b.jpg", jpegs[1])])
big = png(7000, 7000)
mp_big, mp_big_type = multipart([(f"b{i}.png", big) for i in range(20)])
mp_many, mp_many_type = multipart([(f"p{i}", b"x") for i in range(2000)])
ztxt = png(64, 64, [(b"zTXt", b"c\x00\x00" + zlib.compress(b"\x00" * (16 << 20), 9))] * 300)

# (name, method, path, body, content type, with key, good?)
good = [("jpeg", "POST", "/v1/classify", j, "image/jpeg", True, True) for j in jpegs[:8]]
good += [("png-1mp", "POST", "/v1/classify", png(1000, 1000), "image/png", True, True),
         ("multipart", "POST", "/v1/classify", mp_good, mp_type, True, True),
         ("healthz", "GET", "/healthz", b"", "", False, True)]
hostile = [("truncated", "POST", "/v1/classify", jpegs[2][:600], "image/jpeg", True, False),
           ("random", "POST", "/v1/classify", bytes(random.Random(1).getrandbits(8) for _ in range(3000)), "image/jpeg", True, False),
           ("sof-bomb", "POST", "/v1/classify", bytes(sof), "image/jpeg", True, False),
           ("ztxt-bomb", "POST", "/v1/classify", ztxt, "image/png", True, None),  # its pixels are fine: 200 allowed
           ("20x49MP", "POST", "/v1/classify", mp_big, mp_big_type, True, False),
           ("2000-parts", "POST", "/v1/classify", mp_many, mp_many_type, True, False),
           ("no-key", "POST", "//v1/classify", jpegs[3], "image/jpeg", False, False),
           ("wrong-method", "GET", "/v1/classify", b"", "", True, False)]

port = (lambda s: (s.bind(("127.0.0.1", 0)), s.getsockname()[1], s.close())[1])(socket.socket())
server = subprocess.Popen([binary, "serve", "--port", str(port), "--api-key", KEY], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(300):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", "/healthz")
        if c.getresponse().status == 200:
            break
    except OSError:
        time.sleep(0.1)

lock = threading.Lock()
counts = {"good_ok": 0, "good_failed": 0, "hostile_4xx": 0, "hostile_other": 0}
failures = {}
deadline = time.monotonic() + seconds


def client(seed):
    rnd = random.Random(seed)
    conn = None
    while time.monotonic() < deadline:
        name, method, path, body, ctype, keyed, want_good = rnd.choice(good if rnd.random() < 0.7 else hostile)
        headers = {"Content-Type": ctype} if ctype else {}
        if keyed:
            headers["Authorization"] = "Bearer " + KEY
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            r.read()
            status = r.status
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except OSError as e:
            status = f"error {type(e).__name__}"
            conn = None
        with lock:
            if want_good is True or (want_good is None and status == 200):
                key = "good_ok" if status == 200 else "good_failed"
            else:
                key = "hostile_4xx" if isinstance(status, int) and 400 <= status < 500 else "hostile_other"
            counts[key] += 1
            if key in ("good_failed", "hostile_other"):
                failures[f"{name}: {status}"] = failures.get(f"{name}: {status}", 0) + 1


rss = []


def sample_rss():
    start = time.monotonic()
    while time.monotonic() < deadline + 1:
        with open(f"/proc/{server.pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        rss.append((round(time.monotonic() - start, 1), int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024))
        time.sleep(5)


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)] + [threading.Thread(target=sample_rss)]
for t in threads:
    t.start()
for t in threads:
    t.join()
server.terminate()
server.wait(timeout=30)

with open(prefix + ".csv", "w") as f:
    f.write("seconds,rss_mb,peak_rss_mb\n" + "".join(f"{s},{r},{p}\n" for s, r, p in rss))
plot(prefix, rss, clients)
third = len(rss) // 3 or 1
summary = {"seconds": seconds, "clients": clients, **counts, "failures": failures,
           "rss_mb_first_third_max": max(r for _, r, _ in rss[:third]), "rss_mb_last_third_max": max(r for _, r, _ in rss[-third:]),
           "peak_rss_mb": rss[-1][2]}
print(json.dumps(summary, indent=1))
sys.exit(0 if counts["good_failed"] == 0 and counts["hostile_other"] == 0 else 1)
