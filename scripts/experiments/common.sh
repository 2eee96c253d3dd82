# Sourced by the experiment scripts: runs from the repository root with
#   D  the discern binary ($DISCERN, default the release build)
#   T  the CIFAKE shards in ../shared
#   X  runs/exp, for generated shards and manifests
# and `has STEP`, true when STEP is in the script's `steps` array (set it from "$@" with the script's default list).
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
D=${DISCERN:-.build/release/discern}
T=../shared/data/cifake
X=runs/exp
mkdir -p "$X"
has() { [[ " ${steps[*]} " == *" $1 "* ]]; }
# Scores run folder $1's best checkpoint on the real / edited / AI test set (test.tar.gz + edited-test), plain and with
# hflip TTA (eval-test-{none,hflip}.json, predictions-test-*.csv), and prints EDITED recall by edit kind and strength.
evaluate_edited() {
    local tta
    for tta in none hflip; do
        "$D" evaluate --model "$1/best.safetensors" --data $T/test.tar.gz $X/edited-test.tar.gz --format json --tta $tta \
            --predictions "$1/predictions-test-$tta.csv" > "$1/eval-test-$tta.json"
        python3 scripts/experiments/edit_recall.py $X/edited-test.jsonl "$1/predictions-test-$tta.csv"
    done
}
