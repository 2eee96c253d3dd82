#!/usr/bin/env bash
# Training/inference img/s of every architecture: discern bench models vs scripts/bench/torch_models.py
# (NCHW and channels-last), alternating, same session.
# Usage: scripts/bench/models_vs_torch.sh [PYTHON with torch]
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${1:-../peer-venv/bin/python}
swift build -c release --product discern 2>&1 | tail -1 >&2
for m in cnn cnn-small patchgan model2 resnet; do
    echo "== $m"
    .build/release/discern bench models --models "$m" --format json --runs 3
    "$py" scripts/bench/torch_models.py --models "$m" --runs 3 | grep -v '^#'
    "$py" scripts/bench/torch_models.py --models "$m" --runs 3 --channels-last | grep -v '^#'
done
