#!/usr/bin/env bash
# Session 6 (2026-12-02): robust, DCGAN-aware fine-tuning of the shipped EfficientNet-Lite0 detector, round 5,
# as it ran. Compared with session 4's robust rounds (effnet_round2.sh): fakes from all four epochs of one DCGAN
# run (seed 1) in training, and the held-out fakes from a second DCGAN run with another seed (seed 2), so the
# held-out generator shares no weights with any training one; the resize step narrowed to 0.2-0.6 (x2 down/up at
# 64x64 input is 0.25) and applied to half the images; 4 epochs from the shipped default.
# Round 6 (steps round6 evaluate6) continues from round 5 with the resize step narrowed to 0.2-0.35 (around x2
# down/up) for 2 epochs at a lower rate.
# Usage: scripts/experiments/robust_round5.sh [STEP...]   (steps: gan split train calibrate evaluate round6 evaluate6 distance)
set -euo pipefail
source "$(dirname "$0")/common.sh"
# The CIFAKE model round 5 starts from: session 6's shipped default, kept as the router's small half since session 19
# (default-detector.safetensors is now the router, whose first tensors are the wild patch model).
SMALL=Sources/discern/Resources/default-detector-small.safetensors
steps=("${@:-gan split train calibrate evaluate round6 evaluate6 distance}")
robust="hflip,jpeg:30-95@0.3,resize:0.2-0.6@0.5,blur:0.5-3@0.25,noise:0.02@0.1"

if has gan; then
    "$D" gan train --data $T/train.tar.gz --epochs 4 --seed 1 --out runs/gan32
    "$D" gan train --data $T/train.tar.gz --epochs 4 --seed 2 --out runs/gan32-seed2
    for e in 1 2 3 4; do
        "$D" gan sample --model runs/gan32/generator-epoch$e.safetensors --count 4000 --seed $((20 + e)) --label FAKE --out $X/gan-s1e$e-train.tar.gz
    done
    # Held out: the second run's epoch-2 and epoch-4 generators (their weights never made a training image).
    "$D" gan sample --model runs/gan32-seed2/generator-epoch2.safetensors --count 4000 --seed 32 --label FAKE --out $X/gan-s2e2-heldout.tar.gz
    "$D" gan sample --model runs/gan32-seed2/generator-epoch4.safetensors --count 4000 --seed 34 --label FAKE --out $X/gan-s2e4-heldout.tar.gz
fi
if has split; then
    # The 4,100 validation images every EfficientNet round held out (seed 1 of the trainer's per-class split):
    # a 1-image-per-class run writes them to val.jsonl without training anything that is kept.
    "$D" train --model cnn --data $T/train.tar.gz --seed 1 --epochs 1 --limit 2 --out runs/valsplit > /dev/null
    python3 scripts/experiments/train_minus_val.py $T/train.tar.gz runs/valsplit/val.jsonl $X/train-minus-val.jsonl
fi
if has train; then
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 \
        --init $SMALL --input-size 64 \
        --data $X/train-minus-val.jsonl $X/gan-s1e1-train.tar.gz $X/gan-s1e2-train.tar.gz $X/gan-s1e3-train.tar.gz $X/gan-s1e4-train.tar.gz \
        --val runs/valsplit/val.jsonl --epochs 4 --lr 3e-4 --augment "$robust" --out runs/effnet64-robust5
fi
if has calibrate; then
    "$D" calibrate --model runs/effnet64-robust5/best.safetensors --data runs/valsplit/val.jsonl --max-unsure 0.02 --out runs/effnet64-robust5/calibrated.safetensors
fi
if has evaluate; then
    for m in $SMALL runs/effnet64-robust5/calibrated.safetensors; do
        "$D" evaluate --model "$m" --data $T/test.tar.gz --perturb jpeg:80,60,40 resize:16,64,128,256 blur:1.0 noise:0.02
        for s in gan-s2e2-heldout gan-s2e4-heldout; do "$D" classify $X/$s.tar.gz --model "$m" | tail -1; done
    done
fi
if has round6; then
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 \
        --init runs/effnet64-robust5/best.safetensors --input-size 64 \
        --data $X/train-minus-val.jsonl $X/gan-s1e1-train.tar.gz $X/gan-s1e2-train.tar.gz $X/gan-s1e3-train.tar.gz $X/gan-s1e4-train.tar.gz \
        --val runs/valsplit/val.jsonl --epochs 2 --lr 2e-4 --augment "${robust/resize:0.2-0.6@0.5/resize:0.2-0.35@0.5}" --out runs/effnet64-robust6
    "$D" calibrate --model runs/effnet64-robust6/best.safetensors --data runs/valsplit/val.jsonl --max-unsure 0.02 --out runs/effnet64-robust6/calibrated.safetensors
fi
if has evaluate6; then
    m=runs/effnet64-robust6/calibrated.safetensors
    "$D" evaluate --model "$m" --data $T/test.tar.gz --perturb jpeg:80,60,40 resize:16,64,128,256 blur:1.0 noise:0.02
    for s in gan-s2e2-heldout gan-s2e4-heldout; do "$D" classify $X/$s.tar.gz --model "$m" | tail -1; done
fi
if has distance; then
    # How far each generator's fakes are from the test REAL photos (FD in EfficientNet-Lite0 ImageNet space, not FID).
    python3 - "$(realpath $T/test.tar.gz)" <<'PY'
import json, sys, tarfile
src = sys.argv[1]
with tarfile.open(src) as t, open("runs/exp/test-real.jsonl", "w") as f:
    for m in t:
        if m.isfile() and m.name.split("/")[-2] == "REAL":
            f.write(json.dumps({"label": "REAL", "path": f"{src}:{m.name}", "split": "test"}) + "\n")
PY
    for s in gan-s1e1-train gan-s1e4-train gan-s2e2-heldout gan-s2e4-heldout; do
        "$D" distance --a $X/test-real.jsonl --b $X/$s.tar.gz | tail -2
    done
fi
