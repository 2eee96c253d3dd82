#!/usr/bin/env bash
# The wild detector (issue #31, session 19, 2026-12-05), as it ran: EfficientNet-Lite0 from ImageNet fine-tuned on
# native-resolution 224-px windows of the wild crops (held at 384, never resampled), then calibrated on the held-out
# calibration crops and joined with the CIFAKE default (images up to 64 px a side) by a size router.
# Steps (default: all but ship):
#   manifests  scripts/wild/make_manifests.py: charts capped at 60, other REAL listed twice, 15 % calibration hold-out
#   aligned    aligned fakes: the train manifest's REAL crops through the taef2 autoencoder (dataset reconstruct)
#   train      pilot 2 (no aligned fakes), pilot 3 (+ the 261 aligned fakes) and pilot 4 (+ the aligned fakes and the
#              REAL listings once more, so the classes stay balanced): same recipe, seed 31, 10 epochs each
#   calibrate  each run's last checkpoint on the calibration crops
#   evaluate   each on wild/val.tar.gz (leave-generator-out) with per-image predictions
#   ship       the chosen run ($SHIP, default wild-pilot2) routed with the CIFAKE default into Sources/discern/Resources
# Usage: scripts/experiments/wild_default.sh [manifests] [aligned] [train] [calibrate] [evaluate] [ship]
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-manifests aligned train calibrate evaluate}"); steps=(${steps[*]})
W=../shared/data/wild
m=runs/wild-m1
recipe=(--model effnet-lite0 --pretrained "$(scripts/weights/fetch_effnet_lite.sh 0)" --input-size 224 --native-size 384
        --epochs 10 --batch 32 --optimizer adamw --lr 1e-3 --weight-decay 0.05 --schedule one-cycle --backbone-lr-scale 0.3
        --augment "hflip,jpeg:30-100@0.8,resize:0.5-1@0.4,blur:0.3-1.5@0.2,noise:0.01@0.2" --seed 31)
if has manifests; then python3 scripts/wild/make_manifests.py $W $m; fi
if has aligned; then
    "$D" dataset reconstruct $m/wild-train.jsonl --autoencoder "$(scripts/weights/convert_taesd.sh)" --out runs/aligned/wild-train-aligned.tar.gz
fi
if has train; then
    "$D" train "${recipe[@]}" --data $m/wild-train.jsonl --val $m/wild-calibration.jsonl --out runs/wild-pilot2
    "$D" train "${recipe[@]}" --data $m/wild-train.jsonl runs/aligned/wild-train-aligned.jsonl --val $m/wild-calibration.jsonl \
        --out runs/wild-pilot3
    grep '"label": "REAL"' $m/wild-train.jsonl > $m/wild-train-real.jsonl
    "$D" train "${recipe[@]}" --data $m/wild-train.jsonl $m/wild-train-real.jsonl runs/aligned/wild-train-aligned.jsonl \
        --val $m/wild-calibration.jsonl --out runs/wild-pilot4
fi
for run in wild-pilot2 wild-pilot3 wild-pilot4; do
    if has calibrate; then
        "$D" calibrate --model runs/$run/last.safetensors --data $m/wild-calibration.jsonl --out runs/$run/calibrated.safetensors
    fi
    if has evaluate; then
        "$D" evaluate --model runs/$run/calibrated.safetensors --data $W/val.tar.gz --format json \
            --predictions runs/$run/val-predictions.csv > runs/$run/eval-val.json
        band=$(python3 -c "import json, sys; print(','.join(map(str, json.load(open(sys.argv[1]))['unsure_band'])))" runs/$run/eval-val.json)
        python3 scripts/wild/breakdown.py runs/$run/val-predictions.csv $W/manifest.jsonl --band "$band" --markdown > runs/$run/val-breakdown.md
    fi
done
if has ship; then
    # The CIFAKE default as shipped since session 4 (EfficientNet-Lite0 round 2, 64-px input; MODEL_CARD.md).
    git show 08b372b:Sources/discern/Resources/default-detector.safetensors > runs/cifake-default.safetensors
    "$D" route --large runs/${SHIP:-wild-pilot2}/calibrated.safetensors --small runs/cifake-default.safetensors \
        --small-max-side 64 --out Sources/discern/Resources/default-detector.safetensors
fi
