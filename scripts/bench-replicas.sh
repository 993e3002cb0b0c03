#!/usr/bin/env bash
# One replica on the embedded SQLite files against two replicas sharing PostgreSQL, on this
# machine, with wrk (same questions and signed LINE events as scripts/bench-http.sh):
#   1. POST /api/v1/ask, closed loop, the connections split over the replicas;
#   2. signed LINE webhooks paced at about LINE_RATE a second in all: the acknowledgement
#      latency LINE sees (each one committed to the inbox before its 200);
#   3. signed LINE webhooks, closed loop: the most the setup acknowledges.
# Two replicas run one wrk each at the same time; read the two reports side by side (their
# rates add up). PostgreSQL is a throwaway cluster in a temp directory (initdb as the postgres
# user when run as root), with fsync on: acknowledged means durable in both setups.
#
# Usage: scripts/bench-replicas.sh [BUILD_DIR]   (default build/release; built if missing)
# Env: DURATION (10s), CONNECTIONS (32, in all), LINE_RATE (500, in all), PORT (18580).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR=${1:-build/release}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
LINE_RATE=${LINE_RATE:-500}
PORT=${PORT:-18580}
SINK_PORT=$((PORT + 1))
POINTS_PORT=$((PORT + 2))
PG_PORT=$((PORT + 3))
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

command -v wrk >/dev/null || { echo "wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMADOGUCHI_BUILD_TESTS=OFF \
    >/dev/null
fi
cmake --build "$BUILD_DIR" --target madoguchi madoguchi_line_sink >/dev/null

WORK=$(mktemp -d)
chmod 0755 "$WORK"
PIDS=()
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -d "$WORK/pg" ] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export MADOGUCHI_BENCH_LINE_SECRET="bench-line-channel-secret"
export MADOGUCHI_BENCH_LINE_TOKEN="bench-line-access-token"
export MADOGUCHI_POINTS_TOKEN="bench-points-token-0123456789"
MADOGUCHI_STATE_KEY=$(openssl rand -hex 32)
export MADOGUCHI_STATE_KEY
unset MADOGUCHI_API_TOKEN

# The same bodies as scripts/bench-http.sh: every question and alternate for /ask, and
# 200,000 distinct signed LINE text events (wrk's Lua has no HMAC).
python3 bench/make_bodies.py "$WORK" 200000

"$BUILD_DIR/bench/madoguchi_line_sink" "$SINK_PORT" >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
"$BUILD_DIR/madoguchi" points seed-demo --db "$WORK/points.db" >/dev/null
"$BUILD_DIR/madoguchi" points serve --db "$WORK/points.db" --listen "127.0.0.1:$POINTS_PORT" \
  >/dev/null 2>"$WORK/points.log" &
PIDS+=($!)

# The cluster and its socket in directories of their own, which the postgres user can write.
mkdir -p "$WORK/pg" "$WORK/pg-run"
[ "$(id -u)" -eq 0 ] && chown postgres: "$WORK/pg" "$WORK/pg-run"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres -E UTF8 --locale=C >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg-run/pg.log" -w \
  -o "-p $PG_PORT -k $WORK/pg-run -c listen_addresses=127.0.0.1 -c max_connections=200" \
  start >/dev/null
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE madoguchi" postgres

# start_replica N PORT STORE_JSON: a serve process; its pid joins PIDS.
start_replica() {
  local n=$1 port=$2 store=$3
  cat >"$WORK/replica-$n.json" <<JSON
{
  "listen": "127.0.0.1:$port",
  "data_dir": "$WORK/data-$n",
  $store
  "points": {"mode": "http", "url": "http://127.0.0.1:$POINTS_PORT"},
  "limits": {"messages_per_minute": 1000000, "messages_burst": 1000000},
  "line_channels": [{"name": "bench", "program": "kagawa",
                     "secret_env": "MADOGUCHI_BENCH_LINE_SECRET",
                     "token_env": "MADOGUCHI_BENCH_LINE_TOKEN",
                     "api_base_url": "http://127.0.0.1:$SINK_PORT"}]
}
JSON
  "$BUILD_DIR/madoguchi" serve --config "$WORK/replica-$n.json" >/dev/null 2>"$WORK/replica-$n.log" &
  PIDS+=($!)
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return 0
    sleep 0.1
  done
  echo "replica $n did not become ready:" >&2
  cat "$WORK/replica-$n.log" >&2
  exit 1
}

# run_setup NAME PORT...: the three runs against the replicas on PORTs, one wrk per replica.
OFFSET=0
run_setup() {
  local name=$1
  shift
  local n=$#
  local c=$((CONNECTIONS / n)) lc=$((32 / n))
  local delay=$((1000 * 32 / LINE_RATE - 3))
  echo
  echo "######## $name"
  echo "== POST /api/v1/ask: per replica wrk -t1 -c$c -d$DURATION --latency -s bench/wrk/ask.lua"
  for p in "$@"; do
    ASK_BODIES="$WORK/ask.txt" wrk -t1 -c"$c" -d"$DURATION" --latency -s bench/wrk/ask.lua \
      "http://127.0.0.1:$p" >"$WORK/ask-$p.txt" &
  done
  wait_wrk "$@" ask
  echo "== LINE webhooks paced at about $LINE_RATE/s in all: per replica LINE_DELAY_MS=$delay wrk -t1 -c$lc"
  for p in "$@"; do
    LINE_BODIES="$WORK/line.txt" LINE_OFFSET=$OFFSET LINE_DELAY_MS=$delay wrk -t1 -c"$lc" \
      -d"$DURATION" --latency -s bench/wrk/line_webhook.lua "http://127.0.0.1:$p" \
      >"$WORK/paced-$p.txt" &
    OFFSET=$((OFFSET + 20000))
  done
  wait_wrk "$@" paced
  metrics "$@"
  echo "== LINE webhooks, closed loop: per replica wrk -t1 -c$c"
  for p in "$@"; do
    LINE_BODIES="$WORK/line.txt" LINE_OFFSET=$OFFSET wrk -t1 -c"$c" -d"$DURATION" --latency \
      -s bench/wrk/line_webhook.lua "http://127.0.0.1:$p" >"$WORK/closed-$p.txt" &
    OFFSET=$((OFFSET + 20000))
  done
  wait_wrk "$@" closed
  metrics "$@"
}

# metrics PORT...: what the webhooks refused (503: the inbox at limits.inbox_max_depth, or
# the database unavailable) and what is still queued, per replica.
metrics() {
  for p in "$@"; do
    echo "-- replica on $p: $(curl -s "http://127.0.0.1:$p/metrics" |
      grep -E "^madoguchi_(inbox_depth|webhook_refused_total|http_requests_total.*webhook.*status=.5)" |
      tr '\n' ' ')"
  done
}

# wait_wrk PORT... KIND: waits for the wrk runs and prints their summaries.
wait_wrk() {
  local kind=${*: -1}
  local ports=("${@:1:$#-1}")
  for p in "${ports[@]}"; do
    while [ ! -s "$WORK/$kind-$p.txt" ] || ! grep -q "Transfer/sec" "$WORK/$kind-$p.txt"; do
      sleep 0.5
    done
    echo "-- replica on $p"
    grep -E "Latency Distribution|^ +(50|90|99)%|Requests/sec|Non-2xx|Socket errors" "$WORK/$kind-$p.txt"
  done
}

start_replica sqlite "$PORT" ''
run_setup "1 replica, SQLite files" "$PORT"
kill "${PIDS[-1]}"
wait "${PIDS[-1]}" 2>/dev/null || true

STORE="\"store\": {\"postgres\": \"postgresql://postgres@127.0.0.1:$PG_PORT/madoguchi\"},"
start_replica pg-a $((PORT + 10)) "$STORE"
start_replica pg-b $((PORT + 20)) "$STORE"
run_setup "2 replicas, one PostgreSQL" $((PORT + 10)) $((PORT + 20))
