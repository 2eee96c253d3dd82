#!/usr/bin/env bash
# Behaviour check for refactors: runs classify, evaluate and serve with two `discern` binaries on the same
# inputs (the examples, the CIFAKE sample, ../shared/data/metadata, wild val crops, the CIFAKE test shard, a
# corrupt file) and diffs every output byte for byte, after blanking only timings (elapsed seconds,
# img/s, latency figures). Exit 0 when identical, 1 with the diff otherwise.
#
# Usage: scripts/check-outputs.sh OLD_BIN NEW_BIN [OUT]
#        scripts/check-outputs.sh --build REF [OUT]   (builds REF in a worktree and compares it with this tree)
# Full CIFAKE test shard (8,000 images) unless QUICK=1 (first 1,000 of the sample shard members only).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
shared=${SHARED:-$root/../shared}

if [[ ${1:-} == --build ]]; then
    ref=${2:?usage: check-outputs.sh --build REF [OUT]}
    out=${3:-/tmp/check-outputs}
    tree=/tmp/check-outputs-tree
    rm -rf "$tree"; git worktree prune
    git worktree add -f --detach "$tree" "$ref" >/dev/null
    (cd "$tree" && swift build -c release --product discern 2>&1 | tail -1) >&2
    swift build -c release --product discern 2>&1 | tail -1 >&2
    mkdir -p "$out"
    cp "$tree/.build/release/discern" "$out/discern-old"
    cp .build/release/discern "$out/discern-new"
    git worktree remove --force "$tree"
    exec "$0" "$out/discern-old" "$out/discern-new" "$out"
fi

old=${1:?usage: check-outputs.sh OLD_BIN NEW_BIN [OUT]}
new=${2:?usage: check-outputs.sh OLD_BIN NEW_BIN [OUT]}
out=${3:-/tmp/check-outputs}
mkdir -p "$out"

# Inputs: fixed lists, so both binaries see the same files in the same order.
models=$root/Sources/discern/Resources
inputs="$out/inputs"
rm -rf "$inputs"; mkdir -p "$inputs/wild"
tar -xzf "$shared/data/wild/val.tar.gz" -C "$inputs/wild" --wildcards '*.jpg' '*.png' '*.webp' 2>/dev/null || true
# Every 10th wild crop (25 of 247, sorted names, so several generators and cameras): patch scoring without minutes
# of runtime.
mkdir -p "$inputs/wild24"
find "$inputs/wild" -type f | sort | awk 'NR % 10 == 1' | while read -r f; do cp "$f" "$inputs/wild24/"; done
printf 'not an image' > "$inputs/corrupt.jpg"
head -c 3000 examples/fake-sd14-1878_3.jpg > "$inputs/truncated.jpg"

# Blanks what legitimately differs between runs: durations and rates.
normalise() {
    sed -E -e 's/[0-9]+(\.[0-9]+)? ?(ms|s|sec|seconds|img\/s|images\/s|\/s)\b/<time>/g' \
           -e 's/"(elapsed|seconds|duration|latency|ms|elapsed_ms|time)[a-z_]*": ?[0-9.e+-]+/"\1": <time>/g'
}

run_side() {
    local bin=$1 dir=$2
    rm -rf "$dir"; mkdir -p "$dir"
    local status
    for fmt in json csv table; do
        status=0
        "$bin" classify examples "$shared/data/cifake/sample" "$shared/data/metadata" "$inputs/corrupt.jpg" "$inputs/truncated.jpg" \
            --format "$fmt" > "$dir/classify.$fmt" 2> "$dir/classify.$fmt.stderr" || status=$?
        echo "exit $status" >> "$dir/classify.$fmt.stderr"
    done
    "$bin" classify examples --heatmap "$dir/heatmaps" --format json > "$dir/classify-heatmap.json" 2>&1 || true
    "$bin" classify "$inputs/wild24" --format json > "$dir/classify-wild.json" 2> "$dir/classify-wild.stderr" || true
    # The two shipped detectors: the CIFAKE one on the test shard, the wild patch model on the wild val shard.
    local shard="$shared/data/cifake/test.tar.gz" wild="$shared/data/wild/val.tar.gz"
    [[ ${QUICK:-0} == 1 ]] && { shard="$shared/data/cifake/sample"; wild="$inputs/wild24"; }
    "$bin" evaluate --model "$models/default-detector-small.safetensors" --data "$shard" --format json --predictions "$dir/predictions.csv" \
        > "$dir/evaluate.json" 2> "$dir/evaluate.stderr" || echo "exit $?" >> "$dir/evaluate.stderr"
    "$bin" evaluate --model "$models/default-detector.safetensors" --data "$wild" --format json --predictions "$dir/predictions-wild.csv" \
        > "$dir/evaluate-wild.json" 2> "$dir/evaluate-wild.stderr" || echo "exit $?" >> "$dir/evaluate-wild.stderr"
    "$bin" evaluate --model "$models/default-detector-small.safetensors" --data "$shared/data/cifake/sample" --out "$dir/report" \
        --perturb jpeg:60 resize:24 > "$dir/evaluate.table" 2> "$dir/evaluate-table.stderr" || echo "exit $?" >> "$dir/evaluate-table.stderr"

    # serve: a free port, the same requests, the responses' bodies.
    local port log=$dir/serve.log
    "$bin" serve --port 0 > "$log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 100); do
        port=$(sed -nE 's#.*http://127\.0\.0\.1:([0-9]+).*#\1#p' "$log" | head -1)
        [[ -n $port ]] && curl -fs "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
        sleep 0.2
    done
    local url=http://127.0.0.1:$port
    curl -s "$url/v1/model" > "$dir/serve-model.json"
    curl -s "$url/healthz" > "$dir/serve-healthz.txt"
    curl -s "$url/openapi.yaml" > "$dir/serve-openapi.yaml"
    curl -s "$url/" > "$dir/serve-page.html"
    for f in examples/*.jpg "$shared"/data/metadata/*/*; do
        [[ -f $f ]] || continue
        echo "== $(basename "$f")" >> "$dir/serve-classify.json"
        curl -s --data-binary "@$f" -H 'Content-Type: application/octet-stream' "$url/v1/classify" >> "$dir/serve-classify.json"
        echo >> "$dir/serve-classify.json"
    done
    curl -s -F "a=@examples/fake-sd14-1878_3.jpg" -F "b=@$inputs/corrupt.jpg" -F "c=@examples/real-cifar10-0084_5.jpg" \
        "$url/v1/classify?heatmap=1" > "$dir/serve-multipart.json"
    curl -s --data-binary "@$inputs/corrupt.jpg" "$url/v1/classify" > "$dir/serve-corrupt.json"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$log"
    for f in "$dir"/*.json "$dir"/*.csv "$dir"/*.table "$dir"/*.stderr "$dir"/*.txt "$dir"/*.html "$dir"/*.yaml; do
        [[ -f $f ]] && { normalise < "$f" > "$f.tmp"; mv "$f.tmp" "$f"; }
    done
    find "$dir/report" -type f \( -name '*.html' -o -name '*.json' -o -name '*.md' -o -name '*.csv' \) 2>/dev/null | while read -r f; do
        normalise < "$f" > "$f.tmp"; mv "$f.tmp" "$f"
    done || true
    # Paths of the output folder itself differ between sides.
    grep -rlF "$dir" "$dir" 2>/dev/null | while read -r f; do sed -i "s#$dir#<out>#g" "$f"; done || true
}

echo "old: $old" >&2; run_side "$old" "$out/old"
echo "new: $new" >&2; run_side "$new" "$out/new"
if diff -r "$out/old" "$out/new" > "$out/diff.txt"; then
    echo "identical: $(find "$out/new" -type f | wc -l) files (classify json/csv/table + heatmaps, wild crops, evaluate, report, serve)"
else
    echo "DIFFERENT ($(grep -c '^diff\|^Binary\|^Only' "$out/diff.txt") files): $out/diff.txt" >&2
    head -60 "$out/diff.txt" >&2
    exit 1
fi
