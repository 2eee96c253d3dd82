#!/usr/bin/env bash
# Side-by-side data benchmark: discern decode(+augment) vs Pillow decode of the 82k training JPEGs.
# Usage: scripts/bench/data_vs_pillow.sh [PYTHON with pillow]
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${1:-../peer-venv/bin/python}
swift build -c release --product discern 2>&1 | tail -1 >&2
for round in 1 2; do
    echo "== round $round"
    .build/release/discern bench data --format json
    .build/release/discern bench data --format json --augment "hflip@0"
    "$py" scripts/bench/pillow_decode.py ../shared/data/cifake/train.tar.gz --workers 2
done
