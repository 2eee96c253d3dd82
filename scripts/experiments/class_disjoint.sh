#!/usr/bin/env bash
# Semantic generalisation on CIFAKE (issue #31 item 7, session 19, 2026-12-05), as it ran: the default recipe's first
# round (EfficientNet-Lite0 from ImageNet at 64x64, AdamW 1e-3 one-cycle, wd 0.01, batch 64, hflip, seed 1, 5 epochs)
# trained on 8 of the 10 CIFAR classes and tested on the CIFAKE test images of the seen and of the 2 held-out classes.
# The class is the file-name suffix (1234_5.jpg -> 5, no suffix -> 1); `dataset split --group-by` keeps each class in
# one split (--test 0.21: the fill stops after 8 classes of about 10 % each).
# Usage: scripts/experiments/class_disjoint.sh [split] [train] [evaluate]
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-split train evaluate}"); steps=(${steps[*]})
out=runs/disjoint
mkdir -p $out
if has split; then
    "$D" dataset split $T/train.tar.gz --val 0 --test 0.21 --seed 7 --group-by '^\d+(_\d+|)\.jpg$' --out $out/train-split.jsonl
    python3 scripts/experiments/class_disjoint.py $out/train-split.jsonl $T/test.tar.gz $out
fi
if has train; then
    "$D" train --model effnet-lite0 --pretrained "$(scripts/weights/fetch_effnet_lite.sh 0)" --input-size 64 \
        --data $out/train.jsonl --epochs 5 --batch 64 --optimizer adamw --lr 1e-3 --weight-decay 0.01 \
        --schedule one-cycle --augment hflip --seed 1 --out $out/effnet64
fi
if has evaluate; then
    for part in seen unseen; do
        for m in $out/effnet64/best.safetensors Sources/discern/Resources/default-detector-small.safetensors; do
            "$D" evaluate --model "$m" --data $out/test-$part.jsonl --format json > "$out/eval-$part-$(basename "$(dirname "$m")").json"
        done
    done
fi
