"""`discern export --format onnx` is checked by the ONNX project's own tools: `onnx.checker` accepts
every architecture's graph, and onnxruntime's probabilities on 256 CIFAKE test images (128 REAL +
128 FAKE, decoded with Pillow) equal `discern classify --format json` within 1e-5.

Models: the shipped default detector's two parts (a size router: the CIFAKE model for images up to 64 px a side, checked
on the 32x32 images; the wild patch model, whose graph scores one 224-px patch, checked on the images enlarged to 224x224,
where classify cuts exactly one patch), plus each architecture (effnet-lite0 from scratch, at 48x48) trained for four epochs on the
64 sample images (so batch-norm statistics and weights are not at their initial values).
Usage: check_onnx.py PATH/TO/discern PATH/TO/shared/data"""
import io, json, os, subprocess, sys, tarfile, tempfile
import numpy as np
import onnx
import onnxruntime as ort
from PIL import Image

discern, data = sys.argv[1], sys.argv[2]
ARCHS = ["cnn", "cnn-small", "patchgan", "model2", "resnet", "resnet-s2", "effnet-lite0"]


def test_images(folder, per_class=128):
    """The first `per_class` REAL and FAKE members of test.tar.gz, written to `folder`."""
    taken = {"REAL": 0, "FAKE": 0}
    paths = []
    with tarfile.open(os.path.join(data, "cifake", "test.tar.gz"), "r|gz") as tar:
        for m in tar:
            label = m.name.split("/")[-2]
            if not m.isfile() or taken.get(label, per_class) >= per_class:
                continue
            taken[label] += 1
            path = os.path.join(folder, label, os.path.basename(m.name))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(tar.extractfile(m).read())
            paths.append(path)
    return paths


def classify(model_args, folder):
    out = subprocess.run([discern, "classify", folder, "--format", "json", *model_args], check=True, capture_output=True, text=True).stdout
    return {os.path.realpath(r["path"]): r["p_fake"] for r in map(json.loads, out.splitlines())}


def model_meta(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    return {p.key: p.value for p in model.metadata_props}


def at_size(images, size, folder):
    """The test images as the model sees them: for a model whose input is not 32x32, Pillow-resized copies
    saved as PNG (lossless), so that discern classify and onnxruntime get exactly the same pixels."""
    if size == 32:
        return images, os.path.dirname(os.path.dirname(images[0]))
    root = f"{folder}-{size}"
    out = []
    for p in images:
        q = os.path.join(root, os.path.basename(os.path.dirname(p)), os.path.basename(p)[:-4] + ".png")
        if not os.path.exists(q):
            os.makedirs(os.path.dirname(q), exist_ok=True)
            Image.open(p).convert("RGB").resize((size, size), Image.BILINEAR).save(q)
        out.append(q)
    return out, root


def onnx_p_fake(path, images):
    meta = model_meta(path)
    size = int(meta["input_size"])
    fake = meta["classes"].split(",").index("FAKE")
    x = np.stack([np.asarray(Image.open(p).convert("RGB"), dtype=np.float32) / 255 for p in images])
    assert x.shape[1:] == (size, size, 3), x.shape
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    (probs,) = sess.run(["probabilities"], {"image": x})
    assert np.allclose(probs.sum(1), 1, atol=1e-6)
    return probs[:, fake], meta


passed = failed = 0
with tempfile.TemporaryDirectory() as d:
    folder = os.path.join(d, "test256")
    images = test_images(folder)
    assert len(images) == 256
    small = os.path.join("Sources", "discern", "Resources", "default-detector-small.safetensors")
    cases = [("default", []), ("default-small", ["--model", small])]
    for arch in ARCHS:
        run = os.path.join(d, arch)
        size = ["--input-size", "48"] if arch == "effnet-lite0" else []  # one model whose input is not 32x32
        subprocess.run([discern, "train", "--model", arch, "--data", os.path.join(data, "cifake", "sample"), "--val-fraction", "0.25",
                        "--epochs", "4", "--batch", "8", "--seed", "3", "--out", run, *size], check=True, capture_output=True)
        cases.append((arch, ["--model", os.path.join(run, "last.safetensors")]))
    for name, args in cases:
        path = os.path.join(d, name + ".onnx")
        subprocess.run([discern, "export", *args, "--format", "onnx", "--out", path], check=True, capture_output=True)
        inputs, inputs_folder = at_size(images, int(model_meta(path)["input_size"]), folder)
        ours = classify(args, inputs_folder)
        theirs, meta = onnx_p_fake(path, inputs)
        want = np.array([ours[os.path.realpath(p)] for p in inputs])
        err = float(np.abs(want - theirs).max())
        ok = err <= 1e-5 and np.ptp(want) > 1e-3
        passed, failed = passed + ok, failed + (not ok)
        print(f"onnx {name:10s} ({meta['architecture']}): max |p_fake difference| {err:.2e} over {len(images)} images, "
              f"p_fake range {want.min():.4f}-{want.max():.4f}: {'ok' if ok else 'FAILED'}")
print(f"interop onnx: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
