#!/usr/bin/env bash
# real / edited / AI with EfficientNet-Lite0 (session 5, 2026-12-02), as it ran: the same edited shards as
# generators.sh (dataset edit, seeds 1 and 2), a 3-class model started from the shipped binary detector's
# backbone (--init; the head is new because the classes differ), 3 epochs at 64x64.
# Usage: scripts/experiments/edited_effnet.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
[ -s $X/edited-train.tar.gz ] || "$D" dataset edit $T/train.tar.gz --count 20500 --seed 1 --out $X/edited-train.tar.gz
[ -s $X/edited-test.tar.gz ] || "$D" dataset edit $T/test.tar.gz --count 4000 --seed 2 --out $X/edited-test.tar.gz
"$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 \
    --init Sources/discern/Resources/default-detector.safetensors --input-size 64 \
    --data $T/train.tar.gz $X/edited-train.tar.gz --epochs 3 --lr 1e-3 --augment hflip --out runs/edited-effnet64
"$D" evaluate --model runs/edited-effnet64/best.safetensors --data $T/test.tar.gz $X/edited-test.tar.gz --format json \
    > runs/edited-effnet64/eval-test.json
