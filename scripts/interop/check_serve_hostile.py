#!/usr/bin/env python3
"""Hostile requests against `discern serve` (issue #30), each answered 4xx in bounded time and memory while
/healthz keeps answering.

Starts the server on a free loopback port with an API key, then sends:
  - every /v1/ route under many path spellings without the key (must be 401);
  - a 914-byte JPEG whose SOF claims 65535x65535 px, then 64 valid uploads (all must be 200);
  - a PNG carrying 1,200 zTXt chunks that each inflate to 16 MB (the metadata inflate budget);
  - one multipart of 20 PNGs of 7000x7000 px (per-request pixel limit: 413, server RSS stays low);
  - a multipart of 15,000 parts (part limit: 413);
  - a bad chunk size (400), wrong methods (405), Expect: 100-continue (100 then 200);
  - 300 connections sending their headers at 1 byte per second (closed by the idle timeout).
Throughout, a thread polls /healthz; its slowest answer and the server's peak RSS (VmHWM) are printed and
checked. Every request loop is bounded in count and time; traffic goes to 127.0.0.1 only.

Usage: check_serve_hostile.py path/to/discern ../shared/data
"""
import http.client
import io
import multiprocessing
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib

BINARY, DATA = sys.argv[1], sys.argv[2]
KEY = "hostile-check-key"
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


PORT = free_port()
server = subprocess.Popen([BINARY, "serve", "--port", str(PORT), "--api-key", KEY, "--idle-timeout", "3", "--timeout", "20"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stderr_reader():
    for line in server.stderr:
        log.append(line)


log = []
threading.Thread(target=stderr_reader, daemon=True).start()


def request(method, path, body=b"", headers=None, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        h = {"Authorization": "Bearer " + KEY}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return r.status, r.read(), dict(r.getheaders())
    finally:
        conn.close()


def rss_peak_kb():
    with open(f"/proc/{server.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


for _ in range(200):
    try:
        if request("GET", "/healthz")[0] == 200:
            break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("server did not start")

sample = os.path.join(DATA, "cifake/sample/REAL")
good = [open(os.path.join(sample, n), "rb").read() for n in sorted(os.listdir(sample))[:8]]


def png(width, height, chunks=()):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\x00" + b"\x80" * (width * 3)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    for kind, data in chunks:
        out += chunk(kind, data)
    return out + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def multipart(files, boundary="hostile-boundary"):
    body = io.BytesIO()
    for name, data in files:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                   f"Content-Type: application/octet-stream\r\n\r\n".encode())
        body.write(data)
        body.write(b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


# /healthz keeps answering: a poller in another process (so the payload building here cannot slow it) records its
# slowest answer while the attacks run.
def poll_health(port, results, stop):
    slowest, failed, count = 0.0, 0, 0
    while not stop.is_set():
        t = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz")
            if conn.getresponse().status != 200:
                failed += 1
            conn.close()
        except OSError:
            failed += 1
        slowest = max(slowest, time.monotonic() - t)
        count += 1
        time.sleep(0.2)
    results.put((slowest, failed, count))


# Payloads are built before the attacks start.
ztxt = zlib.compress(b"\x00" * (16 << 20), 9)
bomb_png = png(64, 64, [(b"zTXt", b"Comment\x00\x00" + ztxt)] * 1200)
big = png(7000, 7000)
big_multipart = multipart([(f"big{i}.png", big) for i in range(20)])
many_parts = multipart([(f"p{i}.jpg", b"x") for i in range(15000)])

results, stop = multiprocessing.Queue(), multiprocessing.Event()
poller = multiprocessing.Process(target=poll_health, args=(PORT, results, stop), daemon=True)
poller.start()

# 1. The key holds for every spelling of every guarded route.
spellings = []
for route in ["/v1/classify", "/v1/model"]:
    tail = route[1:]
    spellings += [route, "/" + route, "//" + tail, "///" + tail.replace("/", "///"), route + "/", "/./" + tail,
                  "/x/../" + tail, "/healthz/../" + tail, route.replace("v1", "%76%31"), route + "?a=1"]
open_routes = []
for path in spellings:
    for method in ["GET", "POST"]:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        conn.request(method, path, body=good[0], headers={"Content-Type": "image/jpeg"})
        status = conn.getresponse().status
        conn.close()
        if status != 401:
            open_routes.append(f"{method} {path} -> {status}")
check(not open_routes, f"no /v1/ route answers without the key ({len(spellings) * 2} tries) {open_routes[:5]}")

# 2. A JPEG whose SOF claims 65535x65535, then valid uploads: all answered 200 with the same score.
jpeg = good[0]
sof = jpeg.index(b"\xff\xc0")
bomb = bytearray(jpeg[:914])
bomb[sof + 5:sof + 9] = b"\xff\xff\xff\xff"
t = time.monotonic()
status = request("POST", "/v1/classify", bytes(bomb), {"Content-Type": "image/jpeg"})[0]
check(400 <= status < 500, f"SOF 65535x65535 JPEG: {status} in {time.monotonic() - t:.2f} s")
answers = [request("POST", "/v1/classify", good[i % len(good)], {"Content-Type": "image/jpeg"}) for i in range(64)]
check(all(a[0] == 200 for a in answers), f"64 valid uploads after it: {sum(a[0] == 200 for a in answers)} answered 200")

# 3. zTXt bomb: 1,200 chunks that each inflate to 16 MB.
t = time.monotonic()
status, body, _ = request("POST", "/v1/classify", bomb_png, {"Content-Type": "image/png"}, timeout=60)
elapsed = time.monotonic() - t
check(status in (200, 400, 413) and elapsed < 10, f"PNG of {len(bomb_png) >> 20} MB with 1,200 zTXt bombs: {status} in {elapsed:.2f} s")

# 4. 20 PNGs of 7000x7000 px in one multipart: refused from the headers, without decoding.
body, headers = big_multipart
rss_before = rss_peak_kb()
t = time.monotonic()
status = request("POST", "/v1/classify", body, headers, timeout=60)[0]
check(status == 413, f"multipart of 20 PNGs of 7000x7000 ({len(body) >> 20} MB): {status} in {time.monotonic() - t:.2f} s, "
                     f"peak RSS {rss_before >> 10} -> {rss_peak_kb() >> 10} MB")

# 5. 15,000 parts.
body, headers = many_parts
t = time.monotonic()
status = request("POST", "/v1/classify", body, headers)[0]
check(status == 413, f"multipart of 15,000 parts: {status} in {time.monotonic() - t:.2f} s")

# 6. Framing and methods.
s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
s.sendall(f"POST /v1/classify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n".encode())
reply = s.recv(4096).decode(errors="replace")
s.close()
check(reply.startswith("HTTP/1.1 400"), f"invalid chunk size: {reply.splitlines()[0] if reply else 'no answer'}")
for method, path, want in [("GET", "/v1/classify", 405), ("DELETE", "/healthz", 405), ("PUT", "/v1/model", 405)]:
    status, _, headers = request(method, path)
    check(status == want and "Allow" in headers, f"{method} {path}: {status}, Allow {headers.get('Allow')}")
s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
s.sendall(f"POST /v1/classify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\nContent-Type: image/jpeg\r\n"
          f"Content-Length: {len(good[0])}\r\nExpect: 100-continue\r\n\r\n".encode())
interim = s.recv(4096).decode(errors="replace")
s.sendall(good[0])
final = b""
while b"\r\n\r\n" not in final:
    final += s.recv(65536)
s.close()
check(interim.startswith("HTTP/1.1 100"), f"Expect: 100-continue answered {interim.splitlines()[0] if interim else 'nothing'}")
check(final.startswith(b"HTTP/1.1 200"), f"then the body is judged: {final.splitlines()[0].decode()}")

# 7. Slow headers: 300 connections that send one byte a second are closed by the idle timeout (3 s here).
slow = []
for _ in range(300):
    c = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    slow.append(c)
t = time.monotonic()
closed = 0
for second in range(8):
    for c in slow:
        try:
            c.sendall(b"a")
        except OSError:
            pass
    time.sleep(1)
for c in slow:
    try:
        c.settimeout(0.05)
        if c.recv(1) == b"":
            closed += 1  # closed without an answer
    except socket.timeout:
        pass  # still open
    except OSError:
        closed += 1  # reset: the server closed it and our later bytes drew an RST
    c.close()
check(closed == len(slow), f"slow-header connections closed by the idle timeout: {closed} of {len(slow)}")
status = request("POST", "/v1/classify", good[1], {"Content-Type": "image/jpeg"})[0]
check(status == 200, f"a valid upload after all of it: {status}")

stop.set()
slowest, failed, count = results.get(timeout=30)
poller.join()
check(failed == 0 and slowest < 2.0, f"/healthz during the attacks: {count} polls, {failed} failed, slowest {slowest:.2f} s")
peak = rss_peak_kb()
check(peak < 1_000_000, f"server peak RSS {peak >> 10} MB")
check(any("request failed" in line and "hb.request.id" in line for line in log), "errors are logged with a request id")
server.terminate()
server.wait(timeout=30)
print(f"{len(failures)} failed" if failures else "serve hostile check: all passed")
sys.exit(1 if failures else 0)
