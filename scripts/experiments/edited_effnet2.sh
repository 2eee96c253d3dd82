#!/usr/bin/env bash
# real / edited / AI, second EfficientNet-Lite0 round (session 7, 2026-12-02), as it ran. Session 5's run
# (edited_effnet.sh) trained on 41,000 REAL / 41,000 FAKE / 20,500 EDITED and was scored on 4,000 of each:
# the rare class's recall suffered (1,102 of 4,000 edited test photos called REAL). Here every training
# photo gets one edit (41,000, seed 1; the same test shard, seed 2), so the classes are balanced as in the
# test; 2 epochs (the session had 80 minutes left), everything else as in session 5.
# Usage: scripts/experiments/edited_effnet2.sh [steps...]   (default: data train evaluate kinds; `more` = one more epoch)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-data train evaluate kinds}"); steps=(${steps[*]})
R=runs/edited-effnet64-r2
# The training recipe both runs share (they differ in start point, epochs and learning rate).
recipe=(--model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 --input-size 64
        --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip)
if has data; then
    [ -s $X/edited-train-all.tar.gz ] || "$D" dataset edit $T/train.tar.gz --count 41000 --seed 1 --out $X/edited-train-all.tar.gz
    [ -s $X/edited-test.tar.gz ] || "$D" dataset edit $T/test.tar.gz --count 4000 --seed 2 --out $X/edited-test.tar.gz
fi
if has train; then
    "$D" train "${recipe[@]}" --init Sources/discern/Resources/default-detector.safetensors --epochs 2 --lr 1e-3 --out $R
fi
if has evaluate; then
    "$D" evaluate --model $R/best.safetensors --data $T/test.tar.gz $X/edited-test.tar.gz --format json \
        --predictions $R/predictions-test.csv > $R/eval-test.json
fi
if has kinds; then
    # EDITED recall by edit kind (the kind is the member name's prefix), from evaluate's per-image probabilities.
    awk -F, 'NR > 1 && $2 == "EDITED" { n = split($1, a, "/"); k = a[n]; sub(/-.*/, "", k); all[k]++
        if ($5 > $3 && $5 > $4) hit[k]++ } END { for (k in all) printf "%s %d / %d\n", k, hit[k], all[k] }' $R/predictions-test.csv
fi
if has more; then
    # One more epoch from this run (same data, seed and so the same validation split), lr 3e-4 one-cycle.
    "$D" train "${recipe[@]}" --init $R/best.safetensors --epochs 1 --lr 3e-4 --out $R-more
    "$D" evaluate --model $R-more/best.safetensors --data $T/test.tar.gz $X/edited-test.tar.gz --format json > $R-more/eval-test.json
fi
