"""Concurrent participants against `discern serve --study`: N scripted participants answer at once for S seconds
(each: session, next image, fetch the PNG, think 0.1-0.5 s, answer; a participant who finishes is replaced by a new
one). Afterwards the answers in the database (admin CSV export) are compared with the answers the server
acknowledged: lost, duplicated and unexpected answers, and every non-200 reply counted as an error.
With --kill the server is killed (SIGKILL, no chance to flush) half-way and started again on the same port; clients
retry a refused connection, and an answer whose reply was lost in the crash counts as stored when its retry is told
409 (already answered). Every acknowledged answer must still be in the database.
Usage: study_load.py PATH/TO/discern PATH/TO/shared/data [PARTICIPANTS] [SECONDS] [--kill]"""
import csv, http.cookiejar, io, json, os, random, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

discern, data = sys.argv[1], sys.argv[2]
kill = "--kill" in sys.argv
args = [a for a in sys.argv if a != "--kill"]
participants = int(args[3]) if len(args) > 3 else 50
seconds = float(args[4]) if len(args) > 4 else 60
work = tempfile.mkdtemp(prefix="discern-study-load-")
study = os.path.join(work, "study.sqlite")
KEY = "load-admin-key"
subprocess.run([discern, "study", "create", "--data", os.path.join(data, "cifake", "test.tar.gz"), "--count", "100", "--per-class",
                "--seed", "9", "--out", study], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
base = f"http://127.0.0.1:{port}"
def start():
    server = subprocess.Popen([discern, "serve", "--study", study, "--port", str(port), "--api-key", KEY],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    return server
server = start()

lock = threading.Lock()
acknowledged, errors, latencies, sessions, retries, recovered = [], [], [], [0], [0], [0]
deadline = time.monotonic() + seconds

def worker(k):
    rng = random.Random(k)
    while time.monotonic() < deadline:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        def call(path, body=None):
            """(status, body, retried): a refused or dropped connection is retried for up to 30 s."""
            for attempt in range(300):
                request = urllib.request.Request(base + path, data=body, method="POST" if body is not None else "GET",
                                                 headers={"Content-Type": "application/json"})
                try:
                    with opener.open(request, timeout=30) as r:
                        return r.status, r.read(), attempt > 0
                except urllib.error.HTTPError as e:
                    return e.code, e.read(), attempt > 0
                except OSError as e:
                    with lock: retries[0] += 1
                    time.sleep(0.1)
            return 0, b"connection failed for 30 s", True
        status, body, _ = call("/study/api/session", b"")
        if status != 200:
            with lock: errors.append(("session", status, body[:200]))
            time.sleep(1)
            continue
        with lock: sessions[0] += 1
        participant = next(c.value for c in jar if c.name == "discern_study")
        while time.monotonic() < deadline:
            status, body, _ = call("/study/api/next")
            if status != 200:
                with lock: errors.append(("next", status, body[:200]))
                break
            step = json.loads(body)
            if step["done"]:
                break
            status, _, _ = call(step["image"])
            if status != 200:
                with lock: errors.append(("image", status, b""))
            time.sleep(rng.uniform(0.1, 0.5))
            answer, confidence = rng.choice(["real", "ai"]), rng.choice(range(50, 101, 5))
            started = time.monotonic()
            status, body, retried = call("/study/api/answer", json.dumps({"image": step["token"], "answer": answer, "confidence": confidence}).encode())
            with lock:
                latencies.append(time.monotonic() - started)
                if status == 409 and retried:   # stored before the crash, its reply lost with it
                    recovered[0] += 1
                    acknowledged.append((participant, step["token"], "REAL" if answer == "real" else "FAKE", confidence))
                elif status == 200:
                    acknowledged.append((participant, step["token"], "REAL" if answer == "real" else "FAKE", confidence))
                else:
                    errors.append(("answer", status, body[:200]))

threads = [threading.Thread(target=worker, args=(k,)) for k in range(participants)]
started = time.monotonic()
for t in threads: t.start()
if kill:
    time.sleep(seconds / 2)
    server.kill()   # SIGKILL: no graceful shutdown, nothing flushed by the server
    server.wait()
    server = start()
for t in threads: t.join()
elapsed = time.monotonic() - started
request = urllib.request.Request(base + "/study/api/export", headers={"X-API-Key": KEY})
rows = list(csv.DictReader(io.StringIO(urllib.request.urlopen(request, timeout=30).read().decode())))
server.terminate()
server.wait(timeout=30)

import sqlite3
con = sqlite3.connect(f"file:{study}?mode=ro", uri=True)
token_of = dict(con.execute("SELECT id, token FROM image"))
stored = [(r["participant"], token_of[int(r["image_id"])], r["answer"], int(r["confidence"])) for r in rows]
lost = len(set(acknowledged) - set(stored))
unexpected = len(set(stored) - set(acknowledged))
duplicated = len(stored) - len({(s[0], s[1]) for s in stored})
latencies.sort()
result = {"participants": participants, "seconds": round(elapsed, 1), "sessions": sessions[0], "answers_acknowledged": len(acknowledged),
          "answers_stored": len(stored), "lost": lost, "duplicated": duplicated, "unexpected": unexpected, "errors": len(errors),
          "answers_per_second": round(len(acknowledged) / elapsed, 1), "killed_and_restarted": kill,
          "connection_retries": retries[0], "answers_recovered_by_409": recovered[0],
          "answer_latency_ms_p50": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
          "answer_latency_ms_p99": round(1000 * latencies[int(len(latencies) * 0.99)], 1) if latencies else None}
print(json.dumps(result))
for e in errors[:5]: print("error:", e, file=sys.stderr)
sys.exit(0 if lost == duplicated == unexpected == len(errors) == 0 else 1)
