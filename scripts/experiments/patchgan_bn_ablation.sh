#!/usr/bin/env bash
# Session 6: how much of patchgan_bn.sh's result is the batch-norm recalibration? The trained weights are kept
# (--init, learning rate 1e-12: Adam moves no weight by more than ~1e-12) while 50 training batches run with
# dropout on, so the running statistics become what training leaves them (an exponential average of
# dropped-out activations, momentum 0.1); validation on the same 4,100 held-out images then shows those statistics
# against recalibrated ones at the same weights. Test accuracy of both follows.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${DISCERN:-.build/release/discern}
T=../shared/data/cifake
common=(--data $T/train.tar.gz --model patchgan --epochs 1 --batch 128 --optimizer adam --lr 1e-12 --schedule constant
        --augment hflip --seed 1 --limit 6400 --init runs/patchgan-bn/best.safetensors)
"$D" train "${common[@]}" --out runs/patchgan-bn-ema
"$D" train "${common[@]}" --bn-recalibrate 50 --out runs/patchgan-bn-recal
"$D" evaluate --model runs/patchgan-bn-ema/last.safetensors --model runs/patchgan-bn-recal/last.safetensors --data $T/test.tar.gz
