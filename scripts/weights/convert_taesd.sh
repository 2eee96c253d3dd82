#!/usr/bin/env bash
# Converts the tiny autoencoder taef2 (../shared/weights/taesd, MIT, madebyollin/taesd) to one safetensors file
# for `discern dataset reconstruct` and the port test: checks both .pth files against their SHA-256, then merges
# them with the standard-library converter (no torch; half precision widened to F32) under the names encoder.* and
# decoder.*. Usage: convert_taesd.sh [DIR] (default ../shared/weights/taesd beside the repository). Prints the path
# of the converted file, $DISCERN_CACHE/taef2.safetensors (cache default ~/.cache/discern). Nothing is committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-$here/../../../shared/weights/taesd}"
cache="${DISCERN_CACHE:-$HOME/.cache/discern}"
out="$cache/taef2.safetensors"
if [ -s "$out" ]; then echo "$out"; exit 0; fi
mkdir -p "$cache"
sha256sum -c --quiet - >&2 <<SUMS
10a4e1021e89d7551eaf161352da8dbd0b1aa83872ae28b150c1df1ce2f147b6  $dir/taef2_encoder.pth
0a44a31e1ae59eb9dbf9359d24942fd3ef5928162c1800d97a28c61d51be0ab5  $dir/taef2_decoder.pth
SUMS
python3 "$here/pth_to_safetensors.py" "encoder.=$dir/taef2_encoder.pth" "decoder.=$dir/taef2_decoder.pth" "$out.tmp" >&2
mv "$out.tmp" "$out"
echo "$out"
