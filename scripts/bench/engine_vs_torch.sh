#!/usr/bin/env bash
# Side-by-side engine benchmark: discern and PyTorch (NCHW and channels-last) alternately, same session.
# Needs a venv with torch beside the repo: python3 -m venv ../peer-venv && ../peer-venv/bin/pip install torch numpy
# Usage: scripts/bench/engine_vs_torch.sh [PYTHON] > bench.log
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${1:-../peer-venv/bin/python}
swift build -c release --product discern 2>&1 | tail -1 >&2
for round in 1 2; do
    echo "== round $round: discern"
    .build/release/discern bench engine --format json --runs 5
    echo "== round $round: torch NCHW"
    "$py" ../shared/bench/torch_bench.py --threads 2 --runs 5 --models a
    echo "== round $round: torch channels-last"
    "$py" ../shared/bench/torch_bench.py --threads 2 --runs 5 --models a --channels-last
done
