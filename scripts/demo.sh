#!/usr/bin/env bash
# The main job: build Discern (release) and classify the example images with the shipped detector,
# then train a tiny detector on the sample images to show the engine at work.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product discern 2>&1 | tail -1
.build/release/discern classify examples/ "$@"
.build/release/discern demo
