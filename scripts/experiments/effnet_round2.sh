#!/usr/bin/env bash
# Second fine-tuning rounds of the EfficientNet-Lite0 detector and the DCGAN fakes they use
# (session 4, 2026-12-01), as they ran. Every round starts from the weights of the one before (--init)
# with a fresh AdamW + one-cycle schedule and keeps the first round's 4,100 validation images out of
# training: seed 1 makes the trainer hold out the same images as runs/effnet64 of transfer.sh (whose
# calibrated best checkpoint was the session-3 default), and the robust round passes them as --val.
# Usage: scripts/experiments/effnet_round2.sh [STEP...]
#   steps: clean64 clean96 gan robust64 calibrate evaluate (default: all, in that order)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-clean64 clean96 gan robust64 calibrate evaluate}")
common=(--model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1)
robust="hflip,jpeg:30-95@0.3,resize:0.2-0.8@0.4,blur:0.5-3@0.25,noise:0.02@0.1"

# Round 2 at 64x64 from the session-3 default (the same weights as runs/effnet64/best.safetensors).
has clean64 && "$D" train "${common[@]}" --init Sources/discern/Resources/default-detector.safetensors --input-size 64 \
    --data $T/train.tar.gz --epochs 3 --lr 3e-4 --augment hflip --out runs/effnet64-r2
# Round 3: the round-2 weights fine-tuned at 96x96.
has clean96 && "$D" train "${common[@]}" --init runs/effnet64-r2/best.safetensors --input-size 96 \
    --data $T/train.tar.gz --epochs 3 --lr 4e-4 --augment hflip --out runs/effnet96-r3
if has gan; then
    # A DCGAN on the 41,000 REAL training photos; fakes stored exactly like CIFAKE files.
    # Training fakes: generators of epochs 1 and 3. Held out: epochs 2 and 4 (never used for training data).
    "$D" gan train --data $T/train.tar.gz --epochs 4 --seed 1 --out runs/gan32
    "$D" gan sample --model runs/gan32/generator-epoch1.safetensors --count 6000 --seed 11 --label FAKE --out $X/gan-e1-train.tar.gz
    "$D" gan sample --model runs/gan32/generator-epoch3.safetensors --count 6000 --seed 13 --label FAKE --out $X/gan-e3-train.tar.gz
    "$D" gan sample --model runs/gan32/generator-epoch2.safetensors --count 4000 --seed 14 --label FAKE --out $X/gan-e2-heldout.tar.gz
    "$D" gan sample --model runs/gan32/generator-epoch4.safetensors --count 4000 --seed 16 --label FAKE --out $X/gan-e4-heldout.tar.gz
fi
if has robust64; then
    # Training images = train.tar.gz minus the validation images, plus the DCGAN training fakes.
    python3 scripts/experiments/train_minus_val.py $T/train.tar.gz runs/effnet64-r2/val.jsonl $X/train-minus-val.jsonl
    "$D" train "${common[@]}" --init runs/effnet64-r2/best.safetensors --input-size 64 \
        --data $X/train-minus-val.jsonl $X/gan-e1-train.tar.gz $X/gan-e3-train.tar.gz --val runs/effnet64-r2/val.jsonl \
        --epochs 3 --lr 3e-4 --augment "$robust" --out runs/effnet64-robust
    # A second robust round from the first: the resize step on half the images, a lower rate.
    "$D" train "${common[@]}" --init runs/effnet64-robust/best.safetensors --input-size 64 \
        --data $X/train-minus-val.jsonl $X/gan-e1-train.tar.gz $X/gan-e3-train.tar.gz --val runs/effnet64-r2/val.jsonl \
        --epochs 3 --lr 2e-4 --augment "${robust/resize:0.2-0.8@0.4/resize:0.2-0.8@0.5}" --out runs/effnet64-robust2
fi
if has calibrate; then
    for r in effnet64-r2 effnet64-robust effnet64-robust2; do
        "$D" calibrate --model runs/$r/best.safetensors --data runs/effnet64-r2/val.jsonl --max-unsure 0.02 --out runs/$r/calibrated.safetensors
    done
fi
if has evaluate; then
    for m in runs/effnet64-r2/calibrated.safetensors runs/effnet96-r3/best.safetensors runs/effnet64-robust/calibrated.safetensors runs/effnet64-robust2/calibrated.safetensors; do
        [ -s "$m" ] || continue
        "$D" evaluate --model "$m" --data $T/test.tar.gz --perturb jpeg:80,60,40 resize:16,64,128,256 blur:1.0 noise:0.02
        for s in gan-e2-heldout gan-e4-heldout; do "$D" classify $X/$s.tar.gz --model "$m" | tail -1; done
    done
fi
