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
