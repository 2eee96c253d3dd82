#!/usr/bin/env bash
# real / edited / AI, a second cycle with fresh edits (session 15, 2026-12-05): from edited_fresh.sh's best checkpoint
# (runs/edited-fresh64/best.safetensors, run that first), 3 more epochs of the same recipe (--fresh-edits,
# --region-loss 1, 64x64, AdamW one-cycle, wd 0.01, batch 64, hflip) at a peak learning rate of 3e-4, seed 2 (so the
# epochs draw other fresh edits and another order than the first cycle's). The region head starts afresh (--init
# loads the classifier only).
# Usage: scripts/experiments/edited_fresh2.sh [steps...]   (default: train evaluate)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-train evaluate}"); steps=(${steps[*]})
R=runs/edited-fresh64-c2
if has train; then
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 2 --split-seed 1 \
        --input-size 64 --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip \
        --init runs/edited-fresh64/best.safetensors --epochs 3 --lr 3e-4 \
        --region-loss 1 --edit-log $X/edited-train-all.jsonl --fresh-edits --out $R
fi
if has evaluate; then
    evaluate_edited $R
fi
