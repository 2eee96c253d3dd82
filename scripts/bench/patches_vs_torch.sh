#!/usr/bin/env bash
# Patch-model classify (issue #31): `discern classify IMAGE` with the shipped default (its wild EfficientNet-Lite0
# patch model scores images above 64 px a side) against PyTorch running the same network on the same patches
# (torch_patches.py), alternating, two rounds. Discern's figure is start to exit (model loading included) with
# /usr/bin/time's peak RSS; PyTorch's is decode + cut + infer with the model built and warmed, and its process's peak RSS.
# Usage: scripts/bench/patches_vs_torch.sh IMAGE... [PYTHON=../peer-venv/bin/python]
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${PYTHON:-../peer-venv/bin/python}
"$py" -c "import efficientnet_lite_pytorch" 2>/dev/null || "$py" -m pip install -q efficientnet-lite-pytorch==0.1.0
[ -x .build/release/discern ] || swift build -c release --product discern 2>&1 | tail -1 >&2
for round in 1 2; do
    echo "== round $round"
    for image in "$@"; do
        /usr/bin/time -f "discern $image: %e s, peak RSS %M KB" .build/release/discern classify "$image" --format csv 2>&1 >/dev/null | tail -1
        "$py" scripts/bench/torch_patches.py "$image" --threads 2
    done
done
