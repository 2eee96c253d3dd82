"""Peer for the aligned-fakes benchmark: the reference PyTorch TAESD (../shared/weights/taesd/taesd.py, taef2 weights,
float32, 2 threads) reconstructs the first N REAL members of a shard one image at a time, as `discern dataset
reconstruct` does (decode with Pillow, encoder + decoder, clamp, round to 8 bits; JPEG encoding is left out here).
Prints seconds per image. Usage: python torch_taesd.py SHARD [--count 8] [--threads 2]   (needs torch, pillow, numpy)"""
import argparse, io, os, sys, tarfile, time
import numpy as np, torch
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
weights = os.path.join(here, "..", "..", "..", "shared", "weights", "taesd")
sys.path.insert(0, weights)
from taesd import TAESD  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("shard")
ap.add_argument("--count", type=int, default=8)
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
torch.set_num_threads(a.threads)
model = TAESD(encoder_path=os.path.join(weights, "taef2_encoder.pth"), decoder_path=os.path.join(weights, "taef2_decoder.pth")).float().eval()
images = []
with tarfile.open(a.shard, "r:gz") as tar:
    for m in tar:
        if m.isfile() and "/REAL/" in m.name and len(images) < a.count:
            images.append(tar.extractfile(m).read())
with torch.inference_mode():
    model.decoder(model.encoder(torch.zeros(1, 3, 64, 64)))  # warm-up
    t0 = time.perf_counter()
    for data in images:
        pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        h, w = pixels.shape[0] // 8 * 8, pixels.shape[1] // 8 * 8
        x = torch.from_numpy(pixels[:h, :w].copy()).permute(2, 0, 1).unsqueeze(0).float().div_(255)
        out = model.decoder(model.encoder(x)).clamp(0, 1).mul(255).round().byte()
    seconds = time.perf_counter() - t0
print(f"pytorch taef2: {len(images)} images of {w}x{h} in {seconds:.2f} s, {seconds / len(images):.2f} s each ({torch.__version__}, {a.threads} threads)")
