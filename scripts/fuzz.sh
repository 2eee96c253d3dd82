#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes with libFuzzer (issue #30): scripts/fuzz.sh MINUTES [TARGET...]
#
# Builds Fuzz/ (a package of its own beside the product) with -sanitize=fuzzer,address, seeds each target's corpus
# from the test fixtures, the hostile corpus and shared/data, runs each target for MINUTES minutes (one after the
# other, one process: the machine has 2 cores), and writes Fuzz/logs/<target>.log. A crash is kept in
# Fuzz/crashes/<target>/; copy it to Tests/Fixtures/fuzz/<target>/ so FuzzRegressionTests replays it for ever.
# Prints one line per target: runs, seconds, coverage (cov: edges, ft: features), corpus size, crashes found by this run.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: scripts/fuzz.sh MINUTES [TARGET...]}
shift
all=(FuzzJPEG FuzzPNG FuzzMetadata FuzzTar FuzzGzip FuzzSafetensors FuzzManifest FuzzMultipart FuzzC2PA)
targets=("${@:-${all[@]}}")
[ $# -gt 0 ] || targets=("${all[@]}")
scripts/install-deps.sh
swift build --package-path Fuzz --scratch-path Fuzz/.build -c release -Xswiftc -sanitize=fuzzer,address 2>&1 | tail -1
bin=Fuzz/.build/release
python3 scripts/fuzz_seeds.py Fuzz/corpus ../shared/data
mkdir -p Fuzz/logs
# Crash files older than this run (kept from earlier runs) are not counted again.
stamp=$(mktemp)
trap 'rm -f "$stamp"' EXIT
for t in "${targets[@]}"; do
    mkdir -p "Fuzz/corpus/$t" "Fuzz/crashes/$t"
    # Replayed regressions join the seeds, so a fixed crash stays covered.
    [ -d "Tests/Fixtures/fuzz/$t" ] && cp -n Tests/Fixtures/fuzz/"$t"/* "Fuzz/corpus/$t/" 2>/dev/null || true
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$bin/$t" "Fuzz/corpus/$t" \
        -max_total_time=$((minutes * 60)) -max_len=262144 -rss_limit_mb=4096 -timeout=20 -print_final_stats=1 \
        -artifact_prefix="Fuzz/crashes/$t/" > "Fuzz/logs/$t.log" 2>&1 || true
    stats=$(grep -E "^#[0-9]+\s+(DONE|pulse|REDUCE|NEW)" "Fuzz/logs/$t.log" | tail -1 || true)
    runs=$(grep -E "^stat::number_of_executed_units" "Fuzz/logs/$t.log" | awk '{print $2}' || true)
    secs=$(grep -E "^Done [0-9]+ runs in" "Fuzz/logs/$t.log" | awk '{print $5}' || true)
    crashes=$(find "Fuzz/crashes/$t" -type f -newer "$stamp" | wc -l)
    echo "$t: runs ${runs:-?} in ${secs:-?} s; ${stats#* }; new crashes $crashes"
done
