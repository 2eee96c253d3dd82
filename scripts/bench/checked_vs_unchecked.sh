#!/usr/bin/env bash
# Cost of bounds checks (issue #30): the checked release build (.build/release/discern, the product) against the same
# source built with -Ounchecked (.build-unchecked), alternating, two rounds: training and inference img/s of the
# architectures (bench models), decoding the 8,000 test JPEGs (bench data), and classify end to end on the test shard.
# Usage: scripts/bench/checked_vs_unchecked.sh   (builds both first; prints JSON lines)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product discern 2>&1 | tail -1
swift build -c release --product discern --scratch-path .build-unchecked -Xswiftc -Ounchecked 2>&1 | tail -1
test_shard=../shared/data/cifake/test.tar.gz
for round in 1 2; do
    for build in .build .build-unchecked; do
        bin=$build/release/discern
        echo "{\"round\": $round, \"build\": \"$build\", \"models\": $($bin bench models --models cnn model2 resnet --runs 3 --format json)}"
        echo "{\"round\": $round, \"build\": \"$build\", \"effnet64\": $($bin bench models --models effnet-lite0 --input-size 64 --runs 3 --format json)}"
        echo "{\"round\": $round, \"build\": \"$build\", \"data\": $($bin bench data --data $test_shard --augment hflip --format json 2>/dev/null)}"
        start=$(date +%s.%N)
        $bin classify $test_shard --format csv > /dev/null 2>&1
        echo "{\"round\": $round, \"build\": \"$build\", \"classify_seconds\": $(echo "$(date +%s.%N) - $start" | bc)}"
    done
done
