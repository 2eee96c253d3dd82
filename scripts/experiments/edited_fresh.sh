#!/usr/bin/env bash
# real / edited / AI with fresh edits every epoch (session 15, 2026-12-04). Session 14's 10-epoch run (edited_long.sh:
# from the shipped binary detector, 64x64, AdamW 1e-3 one-cycle, wd 0.01, batch 64, hflip, seed 1, --region-loss 1 at
# stride 16) overfitted the 41,000 stored edits: validation stalled at about 89.7 % from epoch 6 while training accuracy
# rose to 94.7 %. The one change here is --fresh-edits: each epoch every EDITED training image is replaced by a new
# edit of its source photo (new kind, rectangle, strength and donor; JPEG q75 at 32x32, as `dataset edit` makes them),
# and the region loss's target moves with it. Validation and test images keep their stored edits.
# Usage: scripts/experiments/edited_fresh.sh [steps...]   (default: train evaluate)   (data: edited_region.sh data)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-train evaluate}"); steps=(${steps[*]})
R=runs/edited-fresh64
if has train; then
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 --input-size 64 \
        --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip \
        --init Sources/discern/Resources/default-detector.safetensors --epochs 10 --lr 1e-3 \
        --region-loss 1 --edit-log $X/edited-train-all.jsonl --fresh-edits --out $R
fi
if has evaluate; then
    evaluate_edited $R
fi
