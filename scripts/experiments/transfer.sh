#!/usr/bin/env bash
# The EfficientNet-Lite0 transfer runs of RESULTS.md (session 3, 2026-11-23), as they ran.
# Usage: scripts/experiments/transfer.sh [STEP...]   (steps: svm frozen finetune; default: all)
set -euo pipefail
source "$(dirname "$0")/common.sh"
W=$(scripts/weights/fetch_effnet_lite0.sh)
steps=("${@:-svm frozen finetune}")
if has svm; then
    "$D" features --pretrained "$W" --data $T/train.tar.gz --input-size 64 --out runs/exp/train64.features.safetensors
    "$D" features --pretrained "$W" --data $T/test.tar.gz --input-size 64 --out runs/exp/test64.features.safetensors
    "$D" svm train --features runs/exp/train64.features.safetensors --c 1 --out runs/exp/svm64-c1.safetensors
    "$D" svm eval --model runs/exp/svm64-c1.safetensors --features runs/exp/test64.features.safetensors
fi
if has frozen; then
    "$D" train --model effnet-lite0 --pretrained "$W" --freeze-backbone --input-size 64 --data $T/train.tar.gz --limit 20000 \
        --epochs 2 --batch 64 --optimizer adamw --lr 1e-3 --weight-decay 0.01 --schedule one-cycle --augment hflip --seed 1 --out runs/effnet64-frozen
    "$D" evaluate --model runs/effnet64-frozen/best.safetensors --data $T/test.tar.gz
fi
if has finetune; then
    "$D" train --model effnet-lite0 --pretrained "$W" --input-size 64 --data $T/train.tar.gz --epochs 5 --batch 64 \
        --optimizer adamw --lr 1e-3 --weight-decay 0.01 --schedule one-cycle --augment hflip --seed 1 --out runs/effnet64
    "$D" evaluate --model runs/effnet64/best.safetensors --data $T/test.tar.gz
fi
