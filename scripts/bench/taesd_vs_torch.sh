#!/usr/bin/env bash
# Aligned fakes: `discern dataset reconstruct` (taef2 tiny autoencoder, decode + encode/decode + JPEG) against the
# reference PyTorch TAESD (torch_taesd.py: decode + encode/decode, no JPEG) on the same first 8 REAL crops of
# wild/val.tar.gz (384x384), alternating, two rounds, 2 threads each.
# Usage: scripts/bench/taesd_vs_torch.sh [PYTHON with torch, pillow, numpy; default ../peer-venv/bin/python]
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${1:-../peer-venv/bin/python}
shard=../shared/data/wild/val.tar.gz
weights=$(scripts/weights/convert_taesd.sh)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in 1 2; do
    echo "== round $round"
    start=$(date +%s.%N)
    .build/release/discern dataset reconstruct "$shard" --autoencoder "$weights" --limit 8 --out "$out/a.tar.gz" 2>/dev/null | tail -1
    end=$(date +%s.%N)
    python3 -c "print(f'discern taef2: 8 images in {$end - $start:.2f} s, {($end - $start) / 8:.2f} s each (start to exit)')"
    "$py" scripts/bench/torch_taesd.py "$shard" --count 8 --threads 2
done
