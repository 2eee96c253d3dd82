#!/usr/bin/env bash
# Streaming `discern classify` over the 82,000-image train shard vs the Spark job (spark/score_shards.py,
# local[2], onnxruntime on the exported default detector) on the same shard, alternating, two rounds.
# Usage: scripts/bench/spark_vs_classify.sh [PYTHON with pyspark, onnxruntime, pillow, pandas, pyarrow]
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${1:-.build-venv/bin/python}
shard=$(realpath ../shared/data/cifake/train.tar.gz)
n=82000
swift build -c release --product discern 2>&1 | tail -1 >&2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
.build/release/discern export --format onnx --out "$tmp/default.onnx" >&2
for round in 1 2; do
    echo "== round $round"
    start=$(date +%s.%N)
    .build/release/discern classify "$shard" --format csv > "$tmp/ours.csv" 2>/dev/null
    end=$(date +%s.%N)
    echo "{\"discern_classify_img_s\": $(python3 -c "print(round($n / ($end - $start)))"), \"seconds\": $(python3 -c "print(round($end - $start, 1))")}"
    start=$(date +%s.%N)
    "$py" spark/score_shards.py --model "$tmp/default.onnx" --shards "$shard" --out "$tmp/spark.parquet" --master "local[2]" 2>/dev/null | tail -1
    end=$(date +%s.%N)
    echo "{\"spark_job_img_s_including_jvm_start\": $(python3 -c "print(round($n / ($end - $start)))"), \"seconds\": $(python3 -c "print(round($end - $start, 1))")}"
done
