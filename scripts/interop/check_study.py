"""The human study end to end, as a class or a newsroom would run it: `discern study create` draws 10 REAL + 10 FAKE
CIFAKE test images; `discern serve --study` serves them; headless Chromium (Debian's chromium + chromium-driver, driven
by selenium) plays three participants through the page: A answers all 20; B answers 8, closes the browser, and comes
back later in the same browser profile (the persistent cookie) to answer the rest; C answers all 20. The server is
killed (SIGKILL) and started again while B is away; at the end the owner closes the study. Checks:
- no page shown before an answer, and no API response it got (session, next image, the PNG, asked again with the
  participant's cookie), contains the image's label, file name, path, source or SHA-256; the PNG has no text or EXIF
  chunks; the score shown at the end equals a recount; a closed study's page says so;
- the database holds exactly the 60 answers given (admin CSV export with the API key): none lost across the
  restart, none duplicated;
- `discern study report --format json --export CSV` equals a recomputation in Python from the exported CSV, the
  database's image list and `discern classify` on the original files: accuracy, its two-way bootstrap interval
  (SplitMix64 replayed), per participant, per group (people and model), the model's accuracy, Cohen's kappa (answers
  and per-image majority), the two lists of images people and the model disagree on, the confidence bins;
  report.html is self-contained.
Usage: check_study.py PATH/TO/discern PATH/TO/shared/data"""
import csv, io, json, os, random, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

discern, data = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="discern-study-")
study = os.path.join(work, "study.sqlite")
KEY = "study-admin-key"
failures = []
checks = [0]

def check(ok, what):
    checks[0] += 1
    if not ok:
        failures.append(what)
        print("FAIL:", what)

subprocess.run([discern, "study", "create", "--data", os.path.join(data, "cifake", "test.tar.gz"), "--count", "10", "--per-class",
                "--seed", "5", "--out", study], check=True, stdout=subprocess.DEVNULL)
# The hidden side, read straight from the database (read-only): token -> secrets.
con = sqlite3.connect(f"file:{study}?mode=ro", uri=True)
images = {row[0]: {"id": row[1], "label": row[2], "path": row[3], "sha256": row[4], "source": row[5]}
          for row in con.execute("SELECT token, id, label, path, sha256, source FROM image")}
# The originals, for an independent scoring by `discern classify` below.
originals = os.path.join(work, "originals")
os.makedirs(originals)
for image_id, blob in con.execute("SELECT id, original FROM image"):
    with open(os.path.join(originals, f"{image_id}.jpg"), "wb") as f:
        f.write(blob)
con.close()
check(len(images) == 20 and sum(v["label"] == "REAL" for v in images.values()) == 10, "the draw holds 10 REAL + 10 FAKE images")

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
base = f"http://127.0.0.1:{port}"

def start_server():
    server = subprocess.Popen([discern, "serve", "--study", study, "--port", str(port), "--api-key", KEY],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    raise SystemExit("discern serve --study did not start")

def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()

def browser(profile=None):
    options = webdriver.ChromeOptions()
    if profile:
        options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

given = []   # (participant cookie, image id, answer, confidence)
rng = random.Random(11)

def play(driver, name, count):
    """Answers `count` images from where the participant is; returns how many of them were right."""
    wait = WebDriverWait(driver, 20)
    wait.until(lambda d: not d.find_element(By.ID, "intro").get_attribute("class").count("hidden"))
    driver.find_element(By.ID, "start").click()
    right = 0
    for _ in range(count):
        wait.until(lambda d: d.find_element(By.ID, "real").is_enabled())
        src = driver.find_element(By.ID, "photo").get_attribute("src")
        token = src.split("id=")[1]
        secret = images[token]
        page = driver.page_source + src
        for value in (secret["label"], secret["sha256"], secret["sha256"][:16], os.path.basename(secret["path"]), secret["path"]):
            check(value not in page, f"{name}: the page before the answer contains {value!r}")
        # The API answers the page got (session, next image, the PNG), asked again with this participant's cookie.
        cookie = driver.get_cookie("discern_study")["value"]
        for path, method in (("/study/api/session", "POST"), ("/study/api/next", "GET"), (f"/study/image?id={token}", "GET")):
            request = urllib.request.Request(base + path, data=b"" if method == "POST" else None, method=method,
                                             headers={"Cookie": f"discern_study={cookie}"})
            with urllib.request.urlopen(request, timeout=10) as r:
                body, headers = r.read(), str(r.headers)
            text = headers + body.decode("latin-1")
            for value in (secret["label"], secret["sha256"], secret["sha256"][:16], os.path.basename(secret["path"]), secret["path"], secret["source"]):
                check(value not in text, f"{name}: {path} before the answer contains {value!r}")
            if path.startswith("/study/image"):
                check(body[:4] == b"\x89PNG" and not any(c in body for c in (b"tEXt", b"iTXt", b"zTXt", b"eXIf")), f"{name}: the image is a PNG without text or EXIF chunks")
        position = driver.find_element(By.ID, "progress").text
        confidence = rng.choice(range(50, 101, 5))
        driver.execute_script("const c = document.getElementById('confidence'); c.value = arguments[0]; c.dispatchEvent(new Event('input'));", confidence)
        choice = rng.choice(["real", "ai"])
        driver.find_element(By.ID, choice).click()
        given.append((cookie, secret["id"], "REAL" if choice == "real" else "FAKE", confidence))
        right += (choice == "real") == (secret["label"] == "REAL")
        wait.until(lambda d: d.find_element(By.ID, "progress").text != position or not d.find_element(By.ID, "done").get_attribute("class").count("hidden"))
    return right

def finish(driver, name, right):
    WebDriverWait(driver, 20).until(lambda d: d.find_element(By.ID, "you-score").text != "")
    shown = driver.find_element(By.ID, "you-score").text
    check(shown.startswith(f"{right} of 20"), f"{name}: the page shows '{shown}', the recount is {right} of 20")
    return shown, driver.find_element(By.ID, "model-score").text

server = start_server()
try:
    a = browser()
    a.get(base + "/study")
    right_a = play(a, "A", 20)
    print("A:", finish(a, "A", right_a))
    a.quit()

    profile_b = os.path.join(work, "chromium-profile-b")   # B's own browser profile, kept between the two visits
    b = browser(profile_b)
    b.get(base + "/study")
    right_b = play(b, "B", 8)
    b.quit()   # B stops and closes the browser

    server.kill()   # the server dies (SIGKILL: no graceful shutdown) while B is away, and is started again
    server.wait()
    server = start_server()

    c = browser()
    c.get(base + "/study")
    right_c = play(c, "C", 20)
    print("C:", finish(c, "C", right_c))
    c.quit()

    b = browser(profile_b)   # B comes back later in the same browser: the persistent cookie names them
    b.get(base + "/study")
    WebDriverWait(b, 20).until(lambda d: d.find_element(By.ID, "answered").text == "8")
    right_b += play(b, "B", 12)
    print("B:", finish(b, "B", right_b))
    os.makedirs(".build", exist_ok=True)
    b.save_screenshot(".build/study-test.png")
    b.quit()

    request = urllib.request.Request(base + "/study/api/export", headers={"Authorization": f"Bearer {KEY}"})
    exported = urllib.request.urlopen(request, timeout=10).read().decode()
    # The owner closes the study; a newcomer's page says so.
    urllib.request.urlopen(urllib.request.Request(base + "/study/api/close", data=b"", method="POST", headers={"X-API-Key": KEY}), timeout=10)
    d = browser()
    d.get(base + "/study")
    WebDriverWait(d, 20).until(lambda d: "hidden" not in d.find_element(By.ID, "closed").get_attribute("class"))
    check(d.find_element(By.ID, "closed").is_displayed(), "a closed study's page says it is closed")
    d.quit()
finally:
    stop_server(server)

rows = list(csv.DictReader(io.StringIO(exported)))
stored = sorted((r["participant"], int(r["image_id"]), r["answer"], int(r["confidence"])) for r in rows)
check(stored == sorted(given), f"the database holds exactly the {len(given)} answers given (it holds {len(stored)})")
check(len(given) == 60 and len({(g[0], g[1]) for g in given}) == 60, "60 distinct answers from 3 participants")

out = subprocess.run([discern, "study", "report", study, "--out", os.path.join(work, "report"), "--export", os.path.join(work, "answers.csv"),
                      "--format", "json", "--bootstrap", "500", "--seed", "3"], check=True, capture_output=True, text=True).stdout
report = json.loads(out)
with open(os.path.join(work, "answers.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
check(sorted((r["participant"], int(r["image_id"]), r["answer"], int(r["confidence"])) for r in rows) == sorted(given), "--export equals the answers given")

def close(x, y, what, tolerance=1e-9):
    check(x is not None and y is not None and abs(x - y) < tolerance, f"{what}: report {y}, recomputed {x}")

# Everything below is recomputed from the CSV, the database's image list and `discern classify` on the originals;
# report.json is only compared against.
con = sqlite3.connect(f"file:{study}?mode=ro", uri=True)
ids = [row[0] for row in con.execute("SELECT id FROM image ORDER BY id")]
meta = {row[0]: {"label": row[1], "source": row[2], "generator": row[3] or "", "camera": row[4] or ""}
        for row in con.execute("SELECT id, label, source, generator, camera FROM image")}
con.close()
correct = [r["answer"] == meta[int(r["image_id"])]["label"] for r in rows]
check([r["correct"] == "1" for r in rows] == correct, "the CSV's correct column")
check(all(r["label"] == meta[int(r["image_id"])]["label"] for r in rows), "the CSV's labels")
close(sum(correct) / len(rows), report["humans"]["accuracy"], "human accuracy")
# Two-way bootstrap, replayed: SplitMix64(seed), participants by number then images by id, index next() % n.
M = (1 << 64) - 1
state = 3
def next64():
    global state
    state = (state + 0x9E3779B97F4A7C15) & M
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)
numbers = sorted({int(r["participant_number"]) for r in rows})
values = []
for _ in range(500):
    wp, wi = [0.0] * len(numbers), [0.0] * len(ids)
    for _ in numbers: wp[next64() % len(numbers)] += 1
    for _ in ids: wi[next64() % len(ids)] += 1
    total = right = 0.0
    for r, ok in zip(rows, correct):
        w = wp[numbers.index(int(r["participant_number"]))] * wi[ids.index(int(r["image_id"]))]
        total += w
        right += w if ok else 0
    if total > 0: values.append(right / total)
values.sort()
def percentile(x, q):
    pos = q / 100 * (len(x) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(x) - 1)
    return x[lo] + (x[hi] - x[lo]) * (pos - lo)
close(percentile(values, 2.5), report["humans"]["interval"][0], "bootstrap 2.5 %")
close(percentile(values, 97.5), report["humans"]["interval"][1], "bootstrap 97.5 %")
check([p["number"] for p in report["participants"]] == numbers, "participants")
for p in report["participants"]:
    mine = [(r, ok) for r, ok in zip(rows, correct) if int(r["participant_number"]) == p["number"]]
    close(sum(ok for _, ok in mine) / len(mine), p["accuracy"], f"participant {p['number']} accuracy")
    close(sum(int(r["confidence"]) for r, _ in mine) / len(mine), p["mean_confidence"], f"participant {p['number']} confidence")
# The model: `discern classify` on the original files (pixels only; CIFAKE files carry no metadata).
scored = subprocess.run([discern, "classify", originals, "--format", "json"], check=True, capture_output=True, text=True).stdout
p_fake = {int(os.path.basename(j["path"]).split(".")[0]): j["p_fake"] for j in map(json.loads, scored.splitlines()) if j.get("path")}
check(sorted(p_fake) == ids, "classify scored every study image")
for im in report["images"]:
    close(p_fake[im["id"]], im["p_fake"][0], f"image {im['id']} p_fake", tolerance=1e-5)
decision = {i: "FAKE" if p >= 0.5 else "REAL" for i, p in p_fake.items()}
close(sum(decision[i] == meta[i]["label"] for i in ids) / len(ids), report["models"][0]["accuracy"], "model accuracy")
expected_groups = []
for kind in ("label", "source", "generator", "camera"):
    for name in sorted({meta[i][kind] for i in ids if meta[i][kind]}):
        members = [i for i in ids if meta[i][kind] == name]
        answers = [ok for r, ok in zip(rows, correct) if meta[int(r["image_id"])][kind] == name]
        expected_groups.append((kind, name, len(members), len(answers), sum(answers) / len(answers) if answers else None,
                                sum(decision[i] == meta[i]["label"] for i in members) / len(members)))
check([(g["kind"], g["name"], g["images"], g["answers"]) for g in report["groups"]] == [e[:4] for e in expected_groups], "the groups")
for g, e in zip(report["groups"], expected_groups):
    close(e[4], g.get("human_accuracy"), f"group {g['kind']} {g['name']} people")
    close(e[5], g["model_accuracy"][0], f"group {g['kind']} {g['name']} model")
def kappa(pairs):
    n = len(pairs)
    agree = sum(x == y for x, y in pairs) / n
    pa = sum(x == "FAKE" for x, _ in pairs) / n
    pb = sum(y == "FAKE" for _, y in pairs) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return None if chance >= 1 else (agree - chance) / (1 - chance)
close(kappa([(r["answer"], decision[int(r["image_id"])]) for r in rows]), report["models"][0].get("kappa_answers"), "kappa with answers")
majority, human_accuracy = [], {}
for i in ids:
    answers = [r["answer"] for r in rows if int(r["image_id"]) == i]
    if answers:
        majority.append(("FAKE" if 2 * answers.count("FAKE") >= len(answers) else "REAL", decision[i]))
        human_accuracy[i] = sum(a == meta[i]["label"] for a in answers) / len(answers)
close(kappa(majority), report["models"][0].get("kappa_majority"), "kappa with the majority")
check(report["models"][0]["people_miss_model_gets"] == [i for i in ids if human_accuracy.get(i, 1) < 0.5 and decision[i] == meta[i]["label"]],
      "images people miss and the model gets")
check(report["models"][0]["model_misses_people_get"] == [i for i in ids if human_accuracy.get(i, 0) >= 0.5 and decision[i] != meta[i]["label"]],
      "images the model misses and people get")
for b in report["calibration"]:
    members = [(int(r["confidence"]), ok) for r, ok in zip(rows, correct) if b["lower"] <= int(r["confidence"]) and (int(r["confidence"]) < b["upper"] or b["upper"] == 100)]
    check(len(members) == b["answers"], f"bin {b['lower']}-{b['upper']}: {b['answers']} answers, recomputed {len(members)}")
    if members:
        close(sum(ok for _, ok in members) / len(members), b["accuracy"], f"bin {b['lower']} accuracy")
        close(sum(c for c, _ in members) / len(members), b["mean_confidence"], f"bin {b['lower']} confidence")
html = open(os.path.join(work, "report", "report.html")).read()
check("data:image/png;base64," in html and "http://" not in html and "https://" not in html, "report.html is self-contained")
for name in ("reliability.png", "people-miss-model-gets-1.png", "model-misses-people-get-1.png"):
    check(os.path.getsize(os.path.join(work, "report", name)) > 1000, f"{name} written")

print(f"study: 3 participants x 20 images through Chromium with a server restart; {len(stored)} answers stored; "
      f"people {report['humans']['accuracy']:.3f} (95 % CI {report['humans']['interval'][0]:.3f}-{report['humans']['interval'][1]:.3f}), "
      f"model {report['models'][0]['accuracy']:.3f}; {len(report['groups'])} groups and {len(report['calibration'])} bins recomputed from the CSV; "
      f"{checks[0]} checks")
print(f"interop study: {int(not failures)} passed, {int(bool(failures))} failed")
sys.exit(1 if failures else 0)
