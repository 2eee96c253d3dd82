#!/usr/bin/env bash
# Installs the Debian packages Discern links against (only those missing). Safe to run repeatedly.
# --test adds what the test suite's outside checks need: Chromium + its driver (browser test of the
# web page) and a Java runtime for Spark when no `java` is on the PATH.
set -euo pipefail
packages=(libopenblas-dev libdnnl-dev libsqlite3-dev libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev zlib1g-dev libssl-dev libcairo2-dev liblinear-dev fonts-dejavu-core python3-venv)
if [ "${1:-}" = "--test" ]; then
    packages+=(chromium chromium-driver)
    command -v java >/dev/null || packages+=(openjdk-17-jre-headless)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
