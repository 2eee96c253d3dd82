#!/usr/bin/env bash
# Load run of `discern serve` on loopback: 50 concurrent connections POST CIFAKE test JPEGs to /v1/classify
# for 60 s (wrk, Debian package), then the server's peak RSS and a health check. Bounded in time; not a test.
# Usage: scripts/bench/serve_load.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}; connections=${2:-50}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
swift build -c release --product discern 2>&1 | tail -1 >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.build/release/discern serve --port "$port" > /tmp/discern-serve-load.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
image=$(ls -d ../shared/data/cifake/sample/FAKE/* | head -1)
echo "== $connections connections, ${seconds}s, POST $(basename "$image") ($(stat -c %s "$image") bytes)"
IMAGE="$image" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s scripts/bench/serve_load.lua "http://127.0.0.1:$port/v1/classify" | tail -1
echo "{\"server_peak_rss_mb\": $(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' /proc/$pid/status), \"healthz_after\": $(curl -s "http://127.0.0.1:$port/healthz")}"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^discern_inference_batch_images_(sum|count)|^discern_errors_total' || true
kill -TERM $pid; wait $pid || true
