#!/usr/bin/env bash
# The main job: build Discern (release) and classify the example images (and shared/data/metadata) with the shipped detector,
# then train a tiny detector on the sample images to show the engine at work.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product discern 2>&1 | tail -1
# examples/ holds CIFAKE test images; shared/data/metadata (beside the clone) adds real files whose metadata
# is evidence: ComfyUI workflows (FAKE by metadata), C2PA manifests and camera EXIF.
inputs=(examples/)
[ -d ../shared/data/metadata ] && inputs+=(../shared/data/metadata)
.build/release/discern classify "${inputs[@]}" "$@"
.build/release/discern demo
