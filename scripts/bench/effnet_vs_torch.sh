#!/usr/bin/env bash
# EfficientNet-Lite0 (or MODEL, e.g. effnet-lite2) training / inference img/s at a given input size: discern bench
# models vs the efficientnet-lite-pytorch package's model in PyTorch (NCHW and channels-last), alternating, same session.
# Usage: scripts/bench/effnet_vs_torch.sh [SIZE=64] [PYTHON with torch + efficientnet-lite-pytorch] [MODEL=effnet-lite0]
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-64}
py=${2:-../peer-venv/bin/python}
model=${3:-effnet-lite0}
"$py" -c "import efficientnet_lite_pytorch" 2>/dev/null || "$py" -m pip install -q efficientnet-lite-pytorch==0.1.0
for round in 1 2; do
    echo "== round $round, input ${size}x${size}"
    .build/release/discern bench models --models "$model" --input-size "$size" --format json --runs 3
    "$py" scripts/bench/torch_models.py --models "$model" --size "$size" --runs 3 | grep -v '^#'
    "$py" scripts/bench/torch_models.py --models "$model" --size "$size" --runs 3 --channels-last | grep -v '^#'
done
