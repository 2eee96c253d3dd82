#!/usr/bin/env bash
# Session 6 (2026-12-02): patchgan with batch-norm statistics re-estimated with dropout off before each
# validation (--bn-recalibrate), as it ran. Otherwise the session-1 recipe (scripts/train_seed_models.sh:
# Adam 1e-3 one-cycle, batch 128, hflip, seed 1), with 10 epochs instead of 8.
# Usage: scripts/experiments/patchgan_bn.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$D" train --data $T/train.tar.gz --out runs/patchgan-bn --model patchgan --epochs 10 --batch 128 --optimizer adam \
    --lr 1e-3 --schedule one-cycle --augment hflip --seed 1 --bn-recalibrate 50
"$D" evaluate --model runs/patchgan-bn/best.safetensors --data $T/test.tar.gz
