"""The web page in a real browser: headless Chromium (Debian's chromium + chromium-driver, driven by
selenium) opens `discern serve`'s page, uploads a CIFAKE sample image through the file picker,
waits for the verdict, saves a screenshot (.build/browser-test.png, phone width) and checks that
the verdict shown equals `discern classify` on the same file.
Usage: check_browser.py PATH/TO/discern PATH/TO/shared/data"""
import json, os, socket, subprocess, sys, time, urllib.request
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

discern, data = sys.argv[1], sys.argv[2]
images = [os.path.realpath(os.path.join(data, "cifake", "sample", label, sorted(os.listdir(os.path.join(data, "cifake", "sample", label)))[0]))
          for label in ("FAKE", "REAL")]
expected = {}
for image in images:
    out = subprocess.run([discern, "classify", image, "--format", "json"], check=True, capture_output=True, text=True).stdout
    expected[os.path.basename(image)] = json.loads(out.splitlines()[0])["verdict"]

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
server = subprocess.Popen([discern, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
ok = False
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    # A phone-sized viewport (desktop windows have a minimum width).
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        WebDriverWait(driver, 10).until(lambda d: "Model:" in d.find_element(By.ID, "model").text and "loading" not in d.find_element(By.ID, "model").text)
        driver.find_element(By.ID, "files").send_keys("\n".join(images))
        WebDriverWait(driver, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".verdict.REAL, .verdict.FAKE, .verdict.UNSURE")) == len(images))
        shown = {c.find_element(By.CLASS_NAME, "name").text: c.find_element(By.CLASS_NAME, "verdict").text for c in driver.find_elements(By.CLASS_NAME, "card")}
        bars = len(driver.find_elements(By.CSS_SELECTOR, ".card .bar span"))
        # The heatmap toggle swaps in the overlay.
        driver.find_element(By.CSS_SELECTOR, ".card label.toggle input").click()
        heat_visible = driver.find_element(By.CSS_SELECTOR, ".card.showheat img.heat").is_displayed()
        width, viewport = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        os.makedirs(".build", exist_ok=True)
        driver.save_screenshot(".build/browser-test.png")
        print(f"browser: page shows {shown}, classify says {expected}; {bars} probability bars, heatmap toggle {'works' if heat_visible else 'BROKEN'}, "
              f"page width {width}px in a {viewport}px viewport; screenshot .build/browser-test.png")
        ok = shown == expected and bars == len(images) and heat_visible and width <= viewport == 390
    finally:
        driver.quit()
finally:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
print(f"interop browser: {int(ok)} passed, {int(not ok)} failed")
sys.exit(0 if ok else 1)
