#!/usr/bin/env bash
# A robust round of the EfficientNet-Lite2 detector (session 8, 2026-12-02), as it ran: from effnet_lite2.sh's best
# checkpoint, the robust-round-5 augmentation (JPEG 30-95, down/up resize 0.2-0.6 of the 64x64 input on half the
# images, blur, noise; robust_round5.sh) on train.tar.gz, seed 1 (the same 4,100 validation images held out),
# AdamW 3e-4 one-cycle, wd 0.01, batch 64, drop path 0.2. No DCGAN fakes: this round is about JPEG and x2 down/up.
# Steps: train calibrate evaluate (default all). FROM / OUT pick the start and the run folder; the second robust round
# (session 9) ran as FROM=runs/effnet2-64-robust OUT=runs/effnet2-64-robust2. AUG replaces the augmentation; the third
# round (session 10) ran as OUT=runs/effnet2-64-robust3 AUG=hflip,jpeg:30-95@0.3,resize:0.2-0.5@0.6,blur:0.5-3@0.2,noise:0.02@0.1
# SEED changes the training seed (order, augmentation, dropout) and keeps seed 1's validation split (--split-seed 1);
# the fourth round (session 11) ran as SEED=2 OUT=runs/effnet2-64-robust4.
# The step `ensemble` (not in the default list) sweeps the mean of the three robust rounds, each image and its mirror.
# Usage: [FROM=dir] [OUT=dir] [EPOCHS=n] [AUG=list] [SEED=n] scripts/experiments/robust_lite2.sh [train] [calibrate] [evaluate] [ensemble]
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-train calibrate evaluate}"); steps=(${steps[*]})
from=${FROM:-runs/effnet2-64}
out=${OUT:-runs/effnet2-64-robust}
if has train; then
    "$D" train --model effnet-lite2 --init $from/best.safetensors --input-size 64 --data $T/train.tar.gz \
        --epochs "${EPOCHS:-2}" --batch 64 --optimizer adamw --lr 3e-4 --weight-decay 0.01 --schedule one-cycle --drop-path 0.2 \
        --augment "${AUG:-hflip,jpeg:30-95@0.3,resize:0.2-0.6@0.5,blur:0.5-3@0.25,noise:0.02@0.1}" --seed "${SEED:-1}" --split-seed 1 --out $out
fi
if has calibrate; then
    "$D" calibrate --model $out/best.safetensors --data runs/effnet2-64/val.jsonl --max-unsure 0.02 --out $out/calibrated.safetensors
fi
if has evaluate; then
    "$D" evaluate --model $out/calibrated.safetensors --data $T/test.tar.gz --perturb jpeg:80,60,40 resize:16,64,128,256 \
        blur:1.0 noise:0.02 --format json > $out/eval-test-perturb.json
fi
if has ensemble; then
    "$D" evaluate --model runs/effnet2-64-robust/calibrated.safetensors --model runs/effnet2-64-robust2/calibrated.safetensors \
        --model runs/effnet2-64-robust3/calibrated.safetensors --ensemble --tta hflip --data $T/test.tar.gz \
        --perturb jpeg:80,60,40 resize:16,64,128,256 blur:1.0 noise:0.02 --format json > runs/effnet2-64-robust-ensemble.jsonl
fi
