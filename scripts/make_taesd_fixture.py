#!/usr/bin/env python3
"""Makes Tests/Fixtures/taesd/taef2_reference.json: the reference PyTorch TAESD (../shared/weights/taesd/taesd.py,
taef2 weights, float32 on the CPU) applied to one 48x64 RGB crop of a camera photo.

Stored: the crop as bytes (so the Swift test feeds the very same pixels), the encoder's latent (NHWC, 6x8x32),
the decoder's output for that latent before clamping (NHWC, 48x64x3), and the reconstruction clamped to 0...1.
Run once, from the repository root (torch from PyPI, in a venv outside the repository):

  python3 -m venv ../peer-venv && ../peer-venv/bin/pip install torch numpy pillow
  ../peer-venv/bin/python scripts/make_taesd_fixture.py
"""
import json, os, sys

import numpy as np
import torch
from PIL import Image

shared = os.path.join(os.path.dirname(__file__), "..", "..", "shared")
sys.path.insert(0, os.path.join(shared, "weights", "taesd"))
from taesd import TAESD  # noqa: E402  (the reference definition, read from ../shared, not copied)

torch.set_num_threads(1)
weights = os.path.join(shared, "weights", "taesd")
model = TAESD(encoder_path=os.path.join(weights, "taef2_encoder.pth"), decoder_path=os.path.join(weights, "taef2_decoder.pth")).float().eval()

photo = os.path.join(shared, "data", "metadata", "camera", "canon-eos5d3-_K6A7945.jpg")
image = Image.open(photo).convert("RGB")
left, top = image.width // 2, image.height // 2
crop = np.asarray(image.crop((left, top, left + 64, top + 48)), dtype=np.uint8)  # 48 rows x 64 columns
x = torch.from_numpy(crop.astype(np.float32) / 255).permute(2, 0, 1).unsqueeze(0)
with torch.no_grad():
    latent = model.encoder(x)
    decoded = model.decoder(latent)
nhwc = lambda t: t[0].permute(1, 2, 0).contiguous().numpy().astype(np.float64).ravel().tolist()
out = {
    "source": "canon-eos5d3-_K6A7945.jpg, 64x48 crop at the image centre, decoded by Pillow",
    "torch": torch.__version__,
    "height": 48, "width": 64,
    "pixels": crop.ravel().tolist(),
    "latent_shape": [1, 6, 8, 32], "latent": nhwc(latent),
    "decoded": nhwc(decoded),
    "reconstruction": nhwc(decoded.clamp(0, 1)),
}
path = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "taesd", "taef2_reference.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"{path}: latent |max| {latent.abs().max():.3f}, PSNR {10 * np.log10(1 / float(((decoded.clamp(0, 1) - x) ** 2).mean())):.1f} dB")
