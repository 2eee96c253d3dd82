#!/usr/bin/env bash
# The main job: build Discern (release) and run the demo with the sample images.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product discern 2>&1 | tail -1
.build/release/discern demo "$@"
