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
# resnet-s2 at the width of the session-13 run (scripts/experiments/resnet_s2.sh)
echo "== resnet-s2 --width 32"
.build/release/discern bench models --models resnet-s2 --width 32 --format json --runs 3
"$py" scripts/bench/torch_models.py --models resnet-s2-w32 --runs 3 | grep -v '^#'
"$py" scripts/bench/torch_models.py --models resnet-s2-w32 --runs 3 --channels-last | grep -v '^#'

