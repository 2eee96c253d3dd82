#!/usr/bin/env bash
# real / edited / AI, a third cycle at a larger input (session 16, 2026-12-05): from edited_fresh2.sh's best checkpoint
# (runs/edited-fresh64-c2/best.safetensors, run that first), 2 epochs at 96x96 instead of 64x64 ("FixRes": a network
# trained at one size, fine-tuned briefly at a larger one). Session 14's pilot found 96x96 input worth +0.7 points of
# macro F1 from the start at 2.25x the cost per image; this tries it as a short last cycle instead. Otherwise the same
# recipe: --fresh-edits, --region-loss 1 (a 6x6 grid at stride 16), AdamW one-cycle at a peak rate of 2e-4, wd 0.01,
# batch 64, hflip; seed 3 (other fresh edits and order), --split-seed 1 (the same validation images).
# Usage: scripts/experiments/edited_fix96.sh [steps...]   (default: train evaluate)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-train evaluate}"); steps=(${steps[*]})
R=runs/edited-fix96
if has train; then
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 3 --split-seed 1 \
        --input-size 96 --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip \
        --init runs/edited-fresh64-c2/best.safetensors --epochs 2 --lr 2e-4 \
        --region-loss 1 --edit-log $X/edited-train-all.jsonl --fresh-edits --out $R
fi
if has evaluate; then
    evaluate_edited $R
fi
