#!/usr/bin/env bash
# The "beyond one generator" experiments of RESULTS.md, in the order they ran (session 3, 2026-11-23).
# Needs: runs/gan32 (discern gan train --data ../shared/data/cifake/train.tar.gz --epochs 8 --seed 1 --out runs/gan32,
# stopped during epoch 4; generator-epochN.safetensors are its per-epoch generators) and .build/release/discern.
# Usage: scripts/experiments/generators.sh [STEP...]   (steps: edited samples sd-gan binary-gan robust evaluate)
# real-edited-ai ran with EPOCHS=8, binary-gan with EPOCHS=4, the others with the default 6.
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-edited samples sd-gan binary-gan robust}")
train_model2() {  # OUT DATA...  (EPOCHS, AUGMENT from the environment)
    local out=$1; shift
    "$D" train --model model2 --data "$@" --epochs "${EPOCHS:-6}" --batch 128 --optimizer adam --lr 2e-3 --schedule one-cycle \
        --augment "${AUGMENT:-hflip}" --seed 1 --out "$out"
}

if has edited; then
    # real / edited / AI: locally edited copies of real photos (train: 20,500 of the 41,000 REAL; test: all 4,000 test REAL)
    [ -s $X/edited-train.tar.gz ] || "$D" dataset edit $T/train.tar.gz --count 20500 --seed 1 --out $X/edited-train.tar.gz
    [ -s $X/edited-test.tar.gz ] || "$D" dataset edit $T/test.tar.gz --count 4000 --seed 2 --out $X/edited-test.tar.gz
    train_model2 $X/real-edited-ai $T/train.tar.gz $X/edited-train.tar.gz
fi
if has samples; then
    # DCGAN fakes, stored like CIFAKE files. Training set: the epoch-3 generator; held out: the epoch-2 generator
    # (an epoch never used for training data) with another latent seed.
    "$D" gan sample --model runs/gan32/generator-epoch3.safetensors --count 41000 --seed 11 --label GAN --out $X/gan-train.tar.gz
    "$D" gan sample --model runs/gan32/generator-epoch3.safetensors --count 4000 --seed 12 --label GAN --out $X/gan-test.tar.gz
    "$D" gan sample --model runs/gan32/generator-epoch3.safetensors --count 10000 --seed 13 --label FAKE --out $X/gan-train-fake.tar.gz
    "$D" gan sample --model runs/gan32/generator-epoch2.safetensors --count 4000 --seed 14 --label FAKE --out $X/gan-heldout.tar.gz
fi
if has sd-gan; then
    train_model2 $X/real-sd-gan $T/train.tar.gz $X/gan-train.tar.gz
fi
if has binary-gan; then
    train_model2 $X/binary-with-gan $T/train.tar.gz $X/gan-train-fake.tar.gz
fi
if has robust; then
    # Compression- and resize-robust binary model: JPEG 30-95, down/up resize, blur, noise (each on a share of the images).
    AUGMENT="hflip,jpeg:30-95@0.5,resize:0.4-1@0.4,blur:0.3-1.5@0.3,noise:0.02@0.2" train_model2 $X/robust $T/train.tar.gz
fi
if has evaluate; then
    M=Sources/discern/Resources/default-detector.safetensors
    # Leave-one-generator-out: the shipped SD-only model and the model trained with DCGAN fakes, on held-out DCGAN fakes.
    "$D" evaluate --model $M --model $X/binary-with-gan/best.safetensors --data $X/gan-heldout.tar.gz
    "$D" evaluate --model $M --model $X/binary-with-gan/best.safetensors --data $T/test.tar.gz
    # 3-class reports (per class precision / recall / F1 in the JSON).
    "$D" evaluate --model $X/real-sd-gan/best.safetensors --data $T/test.tar.gz $X/gan-test.tar.gz --format json
    "$D" evaluate --model $X/real-edited-ai/best.safetensors --data $T/test.tar.gz $X/edited-test.tar.gz --format json
    # Robustness of the old default and the robust model.
    for m in $M $X/robust/best.safetensors; do
        "$D" evaluate --model "$m" --data $T/test.tar.gz --perturb jpeg:80,60,40 resize:16,64,128 blur:1.0 noise:0.02
    done
fi
