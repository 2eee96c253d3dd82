"""Peer for the classify benchmark: Pillow decodes every JPEG of a shard, PyTorch runs the same
architecture (`cnn`, from torch_models.py, random weights: speed does not depend on them) in
batches of 256, and one CSV line per image is printed — the same work as
`discern classify SHARD --format csv`. Reports img/s end to end on stderr.
--size resizes every image to the model's input (bilinear when enlarging, box when shrinking), as Discern does.
Usage: python torch_classify.py [SHARD] [--threads 2] [--model cnn] [--size 32] > /dev/null   (needs torch, pillow, numpy)"""
import argparse, io, sys, tarfile, time
import numpy as np, torch
from PIL import Image
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import torch_models

ap = argparse.ArgumentParser()
ap.add_argument("shard", nargs="?", default="../shared/data/cifake/test.tar.gz")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--model", default="cnn")
ap.add_argument("--channels-last", action="store_true")
ap.add_argument("--size", type=int, default=32)
a = ap.parse_args()
torch.set_num_threads(a.threads)
model = torch_models.MODELS[a.model][0]()
model.eval()
if a.channels_last:
    model = model.to(memory_format=torch.channels_last)
t0 = time.perf_counter()
names, batch, n = [], [], 0
out = sys.stdout
def flush():
    global names, batch
    if not batch:
        return
    x = torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2).float().div_(255)
    if a.channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        p = torch.sigmoid(model(x)).squeeze(1).tolist()
    for name, q in zip(names, p):
        out.write(f'"{name}",{"FAKE" if q >= 0.5 else "REAL"},{q:.6f}\n')
    names, batch = [], []
with tarfile.open(a.shard, "r:gz") as tar:
    for m in tar:
        if not (m.isfile() and m.name.lower().endswith((".jpg", ".jpeg", ".png"))):
            continue
        with Image.open(io.BytesIO(tar.extractfile(m).read())) as im:
            img = im.convert("RGB")
            if img.size != (a.size, a.size):
                img = img.resize((a.size, a.size), Image.BOX if min(img.size) >= a.size else Image.BILINEAR)
            batch.append(np.asarray(img))
        names.append(m.name); n += 1
        if len(batch) == 256:
            flush()
flush()
dt = time.perf_counter() - t0
print(f'{{"peer": "PyTorch {torch.__version__} + Pillow", "model": "{a.model}", "images": {n}, "seconds": {dt:.2f}, "img_s": {n / dt:.0f}}}', file=sys.stderr)
