#!/usr/bin/env bash
# EfficientNet-Lite0's ImageNet weights (see fetch_effnet_lite.sh, which fetches Lite0, Lite1 or Lite2).
exec "$(cd "$(dirname "$0")" && pwd)/fetch_effnet_lite.sh" 0
