#!/usr/bin/env bash
# Training/inference img/s and training peak RSS of every architecture of `discern train --model`:
# discern bench models against scripts/bench/torch_models.py (PyTorch NCHW and channels-last), one process per
# model and side, alternating, ROUNDS rounds. Prints one ratio table per round (rows from `discern bench models
# --peer`, which measures ours right after the peer's two runs) and keeps the raw lines in OUT.
# Usage: scripts/bench/models_vs_torch.sh [PYTHON with torch and efficientnet-lite-pytorch] [ROUNDS] [OUT]
#        MODELS="resnet:32 effnet-lite0:224" scripts/bench/models_vs_torch.sh   (a subset: name[:size[:width]])
set -euo pipefail
cd "$(dirname "$0")/../.."
py=${1:-../peer-venv/bin/python}
rounds=${2:-2}
out=${3:-/tmp/models_vs_torch}
mkdir -p "$out"
swift build -c release --product discern 2>&1 | tail -1 >&2
configs=${MODELS:-"cnn:32 cnn-small:32 patchgan:32 model2:32 resnet:32 resnet-s2:32:32 effnet-lite0:64 effnet-lite1:64 effnet-lite2:64 effnet-lite0:224 effnet-lite1:224 effnet-lite2:224"}
runs=${RUNS:-3}
for round in $(seq 1 "$rounds"); do
    echo "## round $round ($(date -u +%FT%TZ))"
    header=1
    for config in $configs; do
        IFS=: read -r model size width <<< "$config"
        width=${width:-16}
        peer_name=$model
        [[ $model == resnet* && $width != 16 ]] && peer_name="$model-w$width"
        peer="$out/peer-r$round-$peer_name-$size.jsonl"
        "$py" scripts/bench/torch_models.py --models "$peer_name" --size "$size" --runs "$runs" > "$peer"
        "$py" scripts/bench/torch_models.py --models "$peer_name" --size "$size" --runs "$runs" --channels-last >> "$peer"
        table=$(.build/release/discern bench models --models "$model" --input-size "$size" --width "$width" --runs "$runs" --peer "$peer")
        if [[ $header == 1 ]]; then echo "$table" | head -2; header=0; fi
        echo "$table" | tail -n +3
    done
done
