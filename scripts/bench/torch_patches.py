"""Peer for the patch-model classify benchmark (issue #31): PyTorch runs the same network as the wild detector
(EfficientNet-Lite0 from the efficientnet-lite-pytorch package, one logit, 224-px input, random weights: speed does
not depend on them) on the same patches Discern's PatchPlan cuts (a covering grid of 224-px windows with evenly
spaced origins, capped at 64 patches keeping the aspect; 40 MP pixel budget), after Pillow decodes the JPEG, and
aggregates them by mean logit. Reports, per image: patches, seconds for decode + cut + infer (the model built and
warmed beforehand), and the process's peak RSS. Usage: python torch_patches.py IMAGE... [--threads 2]
(needs torch, pillow, numpy, efficientnet-lite-pytorch)"""
import argparse, math, resource, sys, time
import numpy as np, torch
from PIL import Image
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import torch_models

ap = argparse.ArgumentParser()
ap.add_argument("images", nargs="+")
ap.add_argument("--threads", type=int, default=2)
a = ap.parse_args()
torch.set_num_threads(a.threads)
torch_models.SIZE = 224
model = torch_models.MODELS["effnet-lite0"][0]()
model.eval()


def plan(w, h, side=224, max_patches=64, budget=40_000_000):
    """PatchPlan's rule (Sources/Inference/PatchPlan.swift) for images of at least one patch."""
    factor = 1
    while (w // factor) * (h // factor) > budget:
        factor += 1
    w, h = w // factor, h // factor
    fc, fr = -(-w // side), -(-h // side)
    c, r = fc, fr
    if c * r > max_patches:
        r = max(1, min(fr, int(math.sqrt(max_patches * fr / fc))))
        c = max(1, min(fc, max_patches // r))
        while c * r > max_patches:
            r -= 1
    spaced = lambda i, n, length: (length - side) // 2 if n == 1 else int(round(i * (length - side) / (n - 1)))
    return factor, [(spaced(i % c, c, w), spaced(i // c, r, h)) for i in range(r * c)]


with torch.inference_mode():
    model(torch.zeros(2, 3, 224, 224))  # warm-up
    for path in a.images:
        t0 = time.perf_counter()
        image = Image.open(path).convert("RGB")
        factor, origins = plan(*image.size)
        if factor > 1:
            image = image.resize((image.width // factor, image.height // factor), Image.BOX)
        pixels = np.asarray(image)
        batch = np.stack([pixels[y:y + 224, x:x + 224] for x, y in origins])
        x = torch.from_numpy(batch).permute(0, 3, 1, 2).float().div_(255)
        logit = model(x).squeeze(1).mean().item()
        seconds = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{path}: {image.width}x{image.height}, {len(origins)} patches, p_fake {1 / (1 + math.exp(-logit)):.3f}, "
              f"{seconds:.2f} s, peak RSS {rss:.0f} MB")
