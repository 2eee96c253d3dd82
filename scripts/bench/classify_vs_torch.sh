#!/usr/bin/env bash
# End-to-end classify benchmark: discern classify (decode + infer + print CSV) vs PyTorch + Pillow doing the
# same on the 8,000 test JPEGs, alternating, two rounds; plus start-to-exit time of classifying one image.
# Usage: scripts/bench/classify_vs_torch.sh [PYTHON with torch, pillow]   (MODEL / SIZE: the shipped detector's
# architecture and input side, default effnet-lite0 / 64; model2 / 32 for the earlier default)
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${1:-../peer-venv/bin/python}
shard=../shared/data/cifake/test.tar.gz
"$py" -c "import efficientnet_lite_pytorch" 2>/dev/null || "$py" -m pip install -q efficientnet-lite-pytorch==0.1.0
[ -x .build/release/discern ] || swift build -c release --product discern 2>&1 | tail -1 >&2
for round in 1 2; do
    echo "== round $round"
    start=$(date +%s.%N)
    .build/release/discern classify "$shard" --format csv > /dev/null 2>&1
    end=$(date +%s.%N)
    echo "{\"discern_classify_img_s\": $(python3 -c "print(round(8000 / ($end - $start)))"), \"seconds\": $(python3 -c "print(round($end - $start, 2))")}"
    # The peer runs the shipped architecture.
    "$py" scripts/bench/torch_classify.py "$shard" --model "${MODEL:-effnet-lite0}" --size "${SIZE:-64}" > /dev/null
    "$py" scripts/bench/torch_classify.py "$shard" --model "${MODEL:-effnet-lite0}" --size "${SIZE:-64}" --channels-last > /dev/null
done
echo "== one image, start to exit (5 runs)"
for i in 1 2 3 4 5; do /usr/bin/time -f "%e s" .build/release/discern classify examples/fake-sd14-1878_3.jpg 2>&1 >/dev/null | tail -1; done
