#!/usr/bin/env bash
# Session 6: how much of patchgan_bn.sh's result is the batch-norm recalibration? The trained weights are kept
# (--init, learning rate 1e-12: Adam moves no weight by more than ~1e-12) while 50 training batches run with
# dropout on, so the running statistics become what training leaves them (an exponential average of
# dropped-out activations, momentum 0.1); validation on the same 4,100 held-out images then shows those statistics
# against recalibrated ones at the same weights. Test accuracy of both follows.
set -euo pipefail
source "$(dirname "$0")/common.sh"
common=(--data $T/train.tar.gz --model patchgan --epochs 1 --batch 128 --optimizer adam --lr 1e-12 --schedule constant
        --augment hflip --seed 1 --limit 6400 --init runs/patchgan-bn/best.safetensors)
"$D" train "${common[@]}" --out runs/patchgan-bn-ema
"$D" train "${common[@]}" --bn-recalibrate 50 --out runs/patchgan-bn-recal
"$D" evaluate --model runs/patchgan-bn-ema/last.safetensors --model runs/patchgan-bn-recal/last.safetensors --data $T/test.tar.gz
# The same repair after the fact, for a checkpoint trained without it: calibrate re-estimates the statistics from the
# validation images (32 batches of 128), then fits the temperature and the UNSURE band on them.
"$D" train --model cnn --data $T/train.tar.gz --seed 1 --epochs 1 --limit 2 --out runs/valsplit > /dev/null
"$D" calibrate --model runs/patchgan-bn-ema/last.safetensors --data runs/valsplit/val.jsonl --bn-recalibrate 32 \
    --out runs/patchgan-bn-ema/bn-calibrated.safetensors
"$D" evaluate --model runs/patchgan-bn-ema/bn-calibrated.safetensors --data $T/test.tar.gz
