#!/usr/bin/env bash
# real / edited / AI pilots (session 14, 2026-12-04): which change to session 12's region-loss recipe moves macro F1
# the most, at a fifth of the cost. Every pilot: edited_region.sh's data (make it with `edited_region.sh data`), 30,000
# training images (`--limit`), 2 epochs, the recipe of edited_region.sh otherwise (from the shipped binary detector,
# AdamW 1e-3 one-cycle, wd 0.01, batch 64, hflip, seed 1, --region-loss 1), and the full edited test set.
#   base   64x64 input, as session 12
#   in96   96x96 input (stride-16 cells of 5.3 photo pixels instead of 8; 2.25x the cost)
#   rs8    64x64, --region-stride 8 (the region loss on stage 2's 8x8 grid: cells of 4 photo pixels)
#   imnet  64x64, from the ImageNet weights instead of the binary detector
# Usage: scripts/experiments/edited_pilots.sh [pilots...]   (default: base in96 rs8 imnet)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-base in96 rs8 imnet}"); steps=(${steps[*]})
pilot() {  # name, extra train flags... (INIT: the starting weights' flags)
    local name=$1; shift
    local R=runs/edited-pilot-$name
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 \
        --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip --limit 30000 \
        ${INIT:---init Sources/discern/Resources/default-detector.safetensors} --epochs 2 --lr 1e-3 \
        --region-loss 1 --edit-log $X/edited-train-all.jsonl --out $R "$@"
    "$D" evaluate --model $R/best.safetensors --data $T/test.tar.gz $X/edited-test.tar.gz --format json \
        --predictions $R/predictions-test.csv > $R/eval-test.json
    python3 scripts/experiments/edit_recall.py $X/edited-test.jsonl $R/predictions-test.csv
}
if has base; then pilot base --input-size 64; fi
if has in96; then pilot in96 --input-size 96; fi
if has rs8; then pilot rs8 --input-size 64 --region-stride 8; fi
if has imnet; then INIT="--pretrained $HOME/.cache/discern/effnet-lite0-imagenet.safetensors" pilot imnet --input-size 64; fi
