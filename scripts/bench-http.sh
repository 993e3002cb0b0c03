#!/usr/bin/env bash
# HTTP benchmarks of `madoguchi serve` on loopback with wrk:
#   1. POST /api/v1/ask with varied questions of the bundled knowledge base (bench/wrk/ask.lua);
#   2. signed LINE webhooks to POST /webhook/line/bench (bench/wrk/line_webhook.lua), each a new
#      text event written to the durable inbox and answered by the worker through a local sink
#      standing in for LINE's API (bench/line_sink.cc): first paced at about LINE_RATE a second
#      (the acknowledgement latency LINE sees at that load), then as fast as it is answered (the
#      most the service acknowledges).
# Debian's wrk has no fixed-rate mode (-R is wrk2's): the paced run gives each of
# LINE_CONNECTIONS connections a delay between its requests (wrk's delay()); the others are
# closed-loop with -t/-c. All report the observed rate and the latency distribution.
#
# Usage: scripts/bench-http.sh [BUILD_DIR]   (default build/release; built if missing)
# Env: DURATION (15s), THREADS (2), CONNECTIONS (32), PORT (18480), LINE_RATE (1000),
#      LINE_CONNECTIONS (32).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${1:-build/release}
DURATION=${DURATION:-15s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-18480}
SINK_PORT=$((PORT + 1))
LINE_RATE=${LINE_RATE:-1000}
LINE_CONNECTIONS=${LINE_CONNECTIONS:-32}

if ! command -v wrk >/dev/null; then
  echo "wrk is missing; installing it (apt-get install -y wrk)" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y wrk >/dev/null
fi
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMADOGUCHI_BUILD_TESTS=OFF \
    >/dev/null
fi
cmake --build "$BUILD_DIR" --target madoguchi madoguchi_line_sink >/dev/null

WORK=$(mktemp -d)
SERVE_PID=""
SINK_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null || true
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export MADOGUCHI_BENCH_LINE_SECRET="bench-line-channel-secret"
export MADOGUCHI_BENCH_LINE_TOKEN="bench-line-access-token"

# The bodies: every question and alternate of the bundled knowledge base for /ask, and
# 100,000 distinct signed LINE text events (signatures precomputed: wrk's Lua has no HMAC).
python3 bench/make_bodies.py "$WORK" 100000

# Stands in for LINE's API: answers every call 200 at once.
"$BUILD_DIR/bench/madoguchi_line_sink" "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
SINK_PID=$!

cat >"$WORK/config.json" <<EOF
{
  "listen": "127.0.0.1:$PORT",
  "data_dir": "$WORK/data",
  "points": {"mode": "embedded", "seed_demo": true},
  "limits": {"messages_per_minute": 1000000, "messages_burst": 1000000},
  "line_channels": [{"name": "bench", "program": "kagawa",
                     "secret_env": "MADOGUCHI_BENCH_LINE_SECRET",
                     "token_env": "MADOGUCHI_BENCH_LINE_TOKEN",
                     "api_base_url": "http://127.0.0.1:$SINK_PORT"}]
}
EOF
unset MADOGUCHI_API_TOKEN
"$BUILD_DIR/madoguchi" serve --config "$WORK/config.json" >/dev/null 2>"$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done

echo "== POST /api/v1/ask: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s bench/wrk/ask.lua"
ASK_BODIES="$WORK/ask.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -s bench/wrk/ask.lua "http://127.0.0.1:$PORT"

# Each connection waits DELAY_MS after an answer before its next request, so its period is
# DELAY_MS plus the answer's own time and wrk's timer (about 3 ms): allow for that.
DELAY_MS=$((1000 * LINE_CONNECTIONS / LINE_RATE - 3))
echo
echo "== POST /webhook/line/bench, paced at about $LINE_RATE/s: LINE_DELAY_MS=$DELAY_MS wrk -t$THREADS -c$LINE_CONNECTIONS -d$DURATION --latency -s bench/wrk/line_webhook.lua"
LINE_BODIES="$WORK/line.txt" LINE_OFFSET=70000 LINE_DELAY_MS=$DELAY_MS wrk -t"$THREADS" -c"$LINE_CONNECTIONS" \
  -d"$DURATION" --latency -s bench/wrk/line_webhook.lua "http://127.0.0.1:$PORT"

echo
echo "== after the paced run: events answered so far, and the inbox"
curl -s "http://127.0.0.1:$PORT/metrics" |
  grep -E '^madoguchi_(inbox_depth|channel_events_total)'

echo
echo "== POST /webhook/line/bench, closed loop: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s bench/wrk/line_webhook.lua"
LINE_BODIES="$WORK/line.txt" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -s bench/wrk/line_webhook.lua "http://127.0.0.1:$PORT"

echo
echo "== after the webhook runs"
curl -s "http://127.0.0.1:$PORT/metrics" |
  grep -E '^madoguchi_(inbox_depth|channel_events_total|http_requests_total\{route="/webhook)'
