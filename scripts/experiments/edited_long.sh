#!/usr/bin/env bash
# real / edited / AI, a longer cycle (session 14, 2026-12-04): session 12's region-loss recipe (edited_region.sh: the
# same data, from the shipped binary detector, 64x64, AdamW 1e-3 one-cycle, wd 0.01, batch 64, hflip, seed 1,
# --region-loss 1 at stride 16) for 10 epochs instead of 3. The session's pilots (edited_pilots.sh) found no change to
# the recipe worth more than the extra epochs: 96x96 input +0.7 points at 2.25x the cost, region stride 8 -1.2.
# Usage: scripts/experiments/edited_long.sh [steps...]   (default: train evaluate)   (data: edited_region.sh data)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-train evaluate}"); steps=(${steps[*]})
R=runs/edited-long64
if has train; then
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 --input-size 64 \
        --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip \
        --init Sources/discern/Resources/default-detector.safetensors --epochs 10 --lr 1e-3 \
        --region-loss 1 --edit-log $X/edited-train-all.jsonl --out $R
fi
if has evaluate; then
    evaluate_edited $R
fi
