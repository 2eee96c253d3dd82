#!/usr/bin/env bash
# Session 13 (2026-12-04): short from-scratch pilots for #5 (a from-scratch model >= 98.5 % in <= 2 h), to choose
# the full run's network and recipe. Each: 20,000 training images (--limit; the usual 4,100 validation images
# held out by split seed 1), 3 epochs, one-cycle, batch 128, hflip, seed 1. Compared on validation accuracy and
# seconds per epoch; the test shard is not used here.
# Usage: scripts/experiments/resnet_pilots.sh [NAME ...]   (default: every pilot)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-r20-sgd s2w32-sgd s2w48-sgd r20-adamw}")
steps=(${steps[*]})
common=(--data $T/train.tar.gz --limit 20000 --epochs 3 --batch 128 --schedule one-cycle --augment hflip --seed 1 --split-seed 1)
sgd=(--optimizer sgd --lr 0.1 --momentum 0.9 --weight-decay 5e-4)
pilot() { local name=$1; shift; "$D" train "${common[@]}" --out runs/pilot-$name "$@" 2>&1 | grep -E "^(data|epoch [0-9]+:|best)" ; }
has r20-sgd && pilot r20-sgd --model resnet "${sgd[@]}"
has s2w32-sgd && pilot s2w32-sgd --model resnet-s2 --width 32 "${sgd[@]}"
has s2w48-sgd && pilot s2w48-sgd --model resnet-s2 --width 48 "${sgd[@]}"
has r20-adamw && pilot r20-adamw --model resnet --optimizer adamw --lr 2e-3 --weight-decay 0.05
true
