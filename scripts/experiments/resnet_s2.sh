#!/usr/bin/env bash
# Session 13 (2026-12-04): the from-scratch run for #5 chosen by resnet_pilots.sh: `resnet-s2` (4x4 stride-2 stem,
# ResNet-20 stages at width 32/64/128 on 16x16 maps), the session-2 ResNet-20 recipe (SGD Nesterov 0.1, one-cycle,
# wd 5e-4, batch 128, seed 1) with hflip only (the crop run underfit), 18 epochs (about 1 h on idle cores, inside the 2-hour budget).
# Usage: scripts/experiments/resnet_s2.sh [train] [evaluate]
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-train evaluate}")
steps=(${steps[*]})
R=${OUT:-runs/resnet-s2-w32}
if has train; then
    "$D" train --data $T/train.tar.gz --out "$R" --model resnet-s2 --width 32 --depth 3 --epochs 18 --batch 128 \
        --optimizer sgd --lr 0.1 --momentum 0.9 --weight-decay 5e-4 --schedule one-cycle --augment hflip --seed 1
fi
if has evaluate; then
    "$D" evaluate --model "$R/best.safetensors" --data $T/test.tar.gz --format json > "$R/eval-test.json"
    "$D" evaluate --model "$R/best.safetensors" --data $T/test.tar.gz --tta hflip
fi
