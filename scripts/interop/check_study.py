"""The human study end to end, as a class or a newsroom would run it: `discern study create` draws 10 REAL + 10 FAKE
CIFAKE test images; `discern serve --study` serves them; headless Chromium (Debian's chromium + chromium-driver, driven
by selenium) plays three participants through the page: A answers all 20; B answers 8, closes the browser, and comes
back later (same cookie) to answer the rest; C answers all 20. The server is stopped (SIGTERM) and started again
while B is away. Checks:
- no page shown before an answer contains the image's label, file name, path or SHA-256 (the image is a PNG served
  by an opaque token), and the score shown at the end equals a recount;
- the database holds exactly the 60 answers given (admin CSV export with the API key): none lost across the
  restart, none duplicated;
- `discern study report --format json --export CSV` equals a recomputation in Python from the exported CSV: accuracy,
  its two-way bootstrap interval (SplitMix64 replayed), per participant, per group, the model's accuracy and
  Cohen's kappa (answers and per-image majority), the confidence bins; report.html is self-contained.
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

def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)

subprocess.run([discern, "study", "create", "--data", os.path.join(data, "cifake", "test.tar.gz"), "--count", "10", "--per-class",
                "--seed", "5", "--out", study], check=True, stdout=subprocess.DEVNULL)
# The hidden side, read straight from the database (read-only): token -> secrets.
con = sqlite3.connect(f"file:{study}?mode=ro", uri=True)
images = {row[0]: {"id": row[1], "label": row[2], "path": row[3], "sha256": row[4]}
          for row in con.execute("SELECT token, id, label, path, sha256 FROM image")}
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

def browser():
    options = webdriver.ChromeOptions()
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
        position = driver.find_element(By.ID, "progress").text
        confidence = rng.choice(range(50, 101, 5))
        driver.execute_script("const c = document.getElementById('confidence'); c.value = arguments[0]; c.dispatchEvent(new Event('input'));", confidence)
        choice = rng.choice(["real", "ai"])
        driver.find_element(By.ID, choice).click()
        cookie = driver.get_cookie("discern_study")["value"]
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

    b = browser()
    b.get(base + "/study")
    right_b = play(b, "B", 8)
    cookies = b.get_cookies()
    b.quit()   # B stops

    stop_server(server)   # the server restarts while B is away
    server = start_server()

    c = browser()
    c.get(base + "/study")
    right_c = play(c, "C", 20)
    print("C:", finish(c, "C", right_c))
    c.quit()

    b = browser()   # B comes back in the same browser profile: the cookie is still there
    b.get(base + "/study")
    for cookie in cookies:
        b.add_cookie({k: cookie[k] for k in ("name", "value", "path") if k in cookie})
    b.get(base + "/study")
    WebDriverWait(b, 20).until(lambda d: d.find_element(By.ID, "answered").text == "8")
    right_b += play(b, "B", 12)
    print("B:", finish(b, "B", right_b))
    os.makedirs(".build", exist_ok=True)
    b.save_screenshot(".build/study-test.png")
    b.quit()

    request = urllib.request.Request(base + "/study/api/export", headers={"Authorization": f"Bearer {KEY}"})
    exported = urllib.request.urlopen(request, timeout=10).read().decode()
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

def close(x, y, what):
    check(x is not None and y is not None and abs(x - y) < 1e-9, f"{what}: report {y}, recomputed {x}")

correct = [r["correct"] == "1" and r["answer"] == r["label"] for r in rows]
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
ids = [im["id"] for im in report["images"]]
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
for p in report["participants"]:
    mine = [(r, ok) for r, ok in zip(rows, correct) if int(r["participant_number"]) == p["number"]]
    close(sum(ok for _, ok in mine) / len(mine), p["accuracy"], f"participant {p['number']} accuracy")
    close(sum(int(r["confidence"]) for r, _ in mine) / len(mine), p["mean_confidence"], f"participant {p['number']} confidence")
for g in report["groups"]:
    column = {"label": "label", "source": "source", "generator": "generator", "camera": "camera"}[g["kind"]]
    members = [ok for r, ok in zip(rows, correct) if r[column] == g["name"]]
    check(len(members) == g["answers"], f"group {g['kind']} {g['name']}: {g['answers']} answers, recomputed {len(members)}")
    if members: close(sum(members) / len(members), g["human_accuracy"], f"group {g['kind']} {g['name']}")
p_fake = {im["id"]: im["p_fake"][0] for im in report["images"]}
labels = {im["id"]: im["label"] for im in report["images"]}
decision = {i: "FAKE" if p >= 0.5 else "REAL" for i, p in p_fake.items()}
close(sum(decision[i] == labels[i] for i in ids) / len(ids), report["models"][0]["accuracy"], "model accuracy")
def kappa(pairs):
    n = len(pairs)
    agree = sum(x == y for x, y in pairs) / n
    pa = sum(x == "FAKE" for x, _ in pairs) / n
    pb = sum(y == "FAKE" for _, y in pairs) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return None if chance >= 1 else (agree - chance) / (1 - chance)
close(kappa([(r["answer"], decision[int(r["image_id"])]) for r in rows]), report["models"][0].get("kappa_answers"), "kappa with answers")
majority = []
for i in ids:
    answers = [r["answer"] for r in rows if int(r["image_id"]) == i]
    if answers: majority.append(("FAKE" if 2 * answers.count("FAKE") >= len(answers) else "REAL", decision[i]))
close(kappa(majority), report["models"][0].get("kappa_majority"), "kappa with the majority")
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
      f"model {report['models'][0]['accuracy']:.3f}; {len(report['groups'])} groups and {len(report['calibration'])} bins recomputed from the CSV")
print(f"interop study: {int(not failures)} passed, {int(bool(failures))} failed")
sys.exit(1 if failures else 0)
