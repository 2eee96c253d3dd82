#!/usr/bin/env bash
# Weight averaging ("model soup", session 11, 2026-12-03) of the robust EfficientNet-Lite2 rounds of robust_lite2.sh:
# one network, one network's inference cost, where robust_lite2.sh's `ensemble` step scores three networks twice each.
# The soup is chosen before looking at the test split (the uniform mean of every robust round that exists), calibrated
# on the 4,100 validation images every EfficientNet round held out, then swept on test like each round.
# Steps: val (the sweep on the validation images, no calibration needed for accuracy), soup calibrate evaluate
# (default all). MEMBERS names the rounds (default the three of sessions 8-10; session 11 added round 4, SEED=2).
# Usage: [MEMBERS="runs/a runs/b ..."] [OUT=file] scripts/experiments/soup_lite2.sh [soup] [val] [calibrate] [evaluate]
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-soup val calibrate evaluate}"); steps=(${steps[*]})
members=(${MEMBERS:-runs/effnet2-64-robust runs/effnet2-64-robust2 runs/effnet2-64-robust3})
out=${OUT:-runs/effnet2-64-soup${#members[@]}}
args=(); for m in "${members[@]}"; do args+=(--model "$m/best.safetensors"); done
if has soup; then
    "$D" soup "${args[@]}" --out $out.safetensors
fi
if has val; then
    "$D" evaluate --model $out.safetensors --data runs/effnet2-64/val.jsonl --perturb jpeg:40 resize:16 --format json > $out-val.json
fi
if has calibrate; then
    "$D" calibrate --model $out.safetensors --data runs/effnet2-64/val.jsonl --max-unsure 0.02 --out $out-calibrated.safetensors
fi
if has evaluate; then
    "$D" evaluate --model $out-calibrated.safetensors --data $T/test.tar.gz --perturb jpeg:80,60,40 resize:16,64,128,256 \
        blur:1.0 noise:0.02 --format json > $out-test-perturb.json
fi
