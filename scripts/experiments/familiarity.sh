#!/usr/bin/env bash
# Session 20 (2026-12-05): can a nearest-neighbour familiarity rule (discern familiarity) tell screenshots and
# drawings from the wild data, so the default answers UNSURE for them (#31 item 6)? As it ran.
# The out-of-distribution sets are images found on this machine outside the project (documentation screenshots,
# charts, diagrams and icons of Rust, Node.js, Valgrind, networkx and GNOME's Adwaita theme); they are copied to
# /tmp/ood, never into the repository, and may be missing elsewhere (the step then says so).
# Usage: scripts/experiments/familiarity.sh [STEP...]   (steps: collect fit imagenet)
set -euo pipefail
source "$(dirname "$0")/common.sh"
steps=("${@:-collect fit imagenet}")
O=/tmp/ood
if has collect; then
    mkdir -p $O/screens $O/drawings
    R=$(ls -d /root/.rustup/toolchains/stable-*/share/doc/rust/html 2>/dev/null | head -1)
    [ -n "$R" ] || { echo "no Rust documentation here: the screenshot set cannot be collected"; exit 1; }
    cp $R/rustdoc/images/collapsed-trait-impls.png $R/rustc/images/llvm-cov-show-01.png $R/rustc/images/image1.png \
       $R/rustc/images/image2.png $R/book/img/trpl14-0*.png $R/cargo/images/build-info.png $R/cargo/images/auth-level-acl.png \
       $R/cargo/images/org-level-acl.png /usr/share/doc/valgrind/html/images/kcachegrind_xtree.png \
       /usr/share/doc/nodejs/contributing/doc_img/youtube-stream-analytics.png \
       /usr/lib/google-cloud-sdk/platform/gsutil/third_party/requests/ext/ss-compressed.png $O/screens/
    for f in $R/book/2018-edition/img/trpl14-0*.png; do cp $f $O/screens/2018-$(basename $f); done
    cp $R/embedded-book/assets/*.png $R/embedded-book/assets/*.jpg $R/cargo/images/build-unit-time.png \
       $R/cargo/images/cargo-concurrency-over-time.png $R/cargo/images/Cargo-Logo-Small.png \
       /usr/share/doc/nodejs/contributing/doc_img/compare-boxplot.png /usr/share/doc/nodejs/contributing/doc_img/scatter-plot.png \
       /usr/share/doc/valgrind/html/images/dh-tree.png /work/peer-venv/lib/python3.11/site-packages/networkx/drawing/tests/baseline/*.png \
       /usr/share/icons/Adwaita/512x512/*/*.png /usr/lib/google-cloud-sdk/platform/gsutil/third_party/pyparsing/docs/_static/*.jpg \
       /usr/lib/google-cloud-sdk/platform/gsutil/third_party/requests/ext/requests-logo.png $O/drawings/ 2>/dev/null || true
    echo "$(ls $O/screens | wc -l) screenshots, $(ls $O/drawings | wc -l) drawings, charts and icons"
    "$D" classify $O/screens $O/drawings | tail -1
fi
if has fit; then
    # The wild model's own pooled features (mean over patches), k = 1, 5, 20; threshold at 2 % of the calibration crops.
    for k in 1 5 20; do
        "$D" familiarity --model runs/wild-pilot2/calibrated.safetensors --reference runs/wild-m1/wild-train.jsonl \
            --held-out runs/wild-m1/wild-calibration.jsonl --k $k --max-share 0.02 \
            --check ../shared/data/wild/val.tar.gz $O/screens $O/drawings --out $X/familiar-k$k.safetensors
        "$D" evaluate --model $X/familiar-k$k.safetensors --data ../shared/data/wild/val.tar.gz | grep -E "UNSURE|familiarity|decided"
    done
fi
if has imagenet; then
    # The same rule in ImageNet feature space (whole crops at 224), against all training images and against the REAL
    # ones only, plain and centred (scripts/experiments/familiarity_imagenet.py).
    for s in "runs/wild-m1/wild-train.jsonl train" "runs/wild-m1/wild-calibration.jsonl cal" "../shared/data/wild/val.tar.gz val" \
             "$O/screens screens" "$O/drawings drawings"; do
        set -- $s
        "$D" features --data $1 --input-size 224 --out $X/inet-$2.safetensors | tail -1
    done
    python3 scripts/experiments/familiarity_imagenet.py $X
fi
