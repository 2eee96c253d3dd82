#!/usr/bin/env bash
# real / edited / AI with an edit-localisation loss (session 12, 2026-12-03), as it ran. Data and recipe as
# edited_effnet2.sh (every training photo edited once, seed 1; the test shard seed 2; from the shipped binary
# detector, 64x64, AdamW 1e-3 one-cycle, wd 0.01, batch 64, hflip, seed 1), 3 epochs, plus `--region-loss 1`:
# a head on the stride-16 features learns, from the edit log, which cells of the 4x4 grid each edit covers.
# Round 2's 2 + 1 epochs without it scored macro F1 0.890 (RESULTS.md, session 7).
# `strong`: a second test shard from the same photos and seed with --min-change 8 (edits weaker than 8 levels
# redrawn), scored by the same model.
# `control`: the same 3-epoch run without the region loss (runs/edited-plain64), evaluated the same way, to tell
# the loss's effect from that of one 3-epoch cycle.
# Usage: scripts/experiments/edited_region.sh [steps...]   (default: data train evaluate strength strong)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-data train evaluate strength strong}"); steps=(${steps[*]})
R=runs/edited-region64
if has data; then
    # The same shards as edited_effnet2.sh (byte for byte), now with their edit logs.
    [ -s $X/edited-train-all.jsonl ] || "$D" dataset edit $T/train.tar.gz --count 41000 --seed 1 --out $X/edited-train-all.tar.gz \
        --log $X/edited-train-all.jsonl
    [ -s $X/edited-test.jsonl ] || "$D" dataset edit $T/test.tar.gz --count 4000 --seed 2 --out $X/edited-test.tar.gz \
        --log $X/edited-test.jsonl
fi
if has train; then
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 --input-size 64 \
        --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip \
        --init Sources/discern/Resources/default-detector.safetensors --epochs 3 --lr 1e-3 \
        --region-loss 1 --edit-log $X/edited-train-all.jsonl --out $R
fi
if has evaluate; then
    "$D" evaluate --model $R/best.safetensors --data $T/test.tar.gz $X/edited-test.tar.gz --format json \
        --predictions $R/predictions-test.csv > $R/eval-test.json
fi
if has strength; then
    # EDITED recall by kind and by edit strength (the log's "change"), joined with evaluate's per-image probabilities.
    python3 scripts/experiments/edit_recall.py $X/edited-test.jsonl $R/predictions-test.csv
fi
if has strong; then
    [ -s $X/edited-test-min8.jsonl ] || "$D" dataset edit $T/test.tar.gz --count 4000 --seed 2 --min-change 8 \
        --out $X/edited-test-min8.tar.gz --log $X/edited-test-min8.jsonl
    "$D" evaluate --model $R/best.safetensors --data $T/test.tar.gz $X/edited-test-min8.tar.gz --format json \
        --predictions $R/predictions-test-min8.csv > $R/eval-test-min8.json
    python3 scripts/experiments/edit_recall.py $X/edited-test-min8.jsonl $R/predictions-test-min8.csv
fi
if has control; then
    P=runs/edited-plain64
    "$D" train --model effnet-lite0 --batch 64 --optimizer adamw --weight-decay 0.01 --schedule one-cycle --seed 1 --input-size 64 \
        --data $T/train.tar.gz $X/edited-train-all.tar.gz --augment hflip \
        --init Sources/discern/Resources/default-detector.safetensors --epochs 3 --lr 1e-3 --out $P
    "$D" evaluate --model $P/best.safetensors --data $T/test.tar.gz $X/edited-test.tar.gz --format json \
        --predictions $P/predictions-test.csv > $P/eval-test.json
    python3 scripts/experiments/edit_recall.py $X/edited-test.jsonl $P/predictions-test.csv
    "$D" evaluate --model $P/best.safetensors --data $T/test.tar.gz $X/edited-test-min8.tar.gz --format json \
        --predictions $P/predictions-test-min8.csv > $P/eval-test-min8.json
fi
