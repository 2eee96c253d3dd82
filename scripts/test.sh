#!/usr/bin/env bash
# Runs every test: the Swift suites, then the interoperability checks that need Python packages
# from PyPI (installed into an ignored venv, .build-venv/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
swift build --build-tests 2>&1 | tail -1
swift test 2>&1 | tee .build/swift-test.log | grep -E "error:|failed|Executed .* tests" | tail -40
grep -q "with 0 failures" .build/swift-test.log && ! grep -qE "error:|Fatal error" .build/swift-test.log || { echo "swift test failed" >&2; exit 1; }
swift build -c release --product discern 2>&1 | tail -1
scripts/interop/run.sh
