#!/usr/bin/env bash
# /metrics as Prometheus's own checker reads it: at start (every counter already there at 0),
# after answers, and after a reload by SIGHUP, whose result is a JSON log line.
# Usage: check_metrics.sh MADOGUCHI_BINARY
set -euo pipefail
binary=$1
if ! command -v promtool >/dev/null; then
  echo "promtool is missing: scripts/install-deps.sh installs it (Debian package prometheus)" >&2
  exit 1
fi
work=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$binary" serve --listen 127.0.0.1:0 --data-dir "$work/data" --today 2026-04-15 \
  >"$work/out" 2>"$work/err" &
pid=$!
url=""
for _ in $(seq 1 200); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/out" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.05
done
[ -n "$url" ] || { echo "serve did not start:" >&2; cat "$work/err" >&2; exit 1; }

check() {
  curl -sf "$url/metrics" >"$work/metrics"
  if ! promtool check metrics <"$work/metrics"; then
    echo "promtool refused /metrics ($1):" >&2
    cat "$work/metrics" >&2
    exit 1
  fi
}

check "at start"
for series in 'madoguchi_outcomes_total{outcome="answer"} 0' \
              'madoguchi_knowledge_base_reloads_total{result="ok"} 0'; do
  grep -qF "$series" "$work/metrics" || { echo "missing at start: $series" >&2; exit 1; }
done

curl -sf "$url/api/v1/ask" -H 'Content-Type: application/json' \
  -d '{"program":"kagawa","text":"ポイントの有効期限は？"}' >/dev/null
kill -HUP "$pid"
for _ in $(seq 1 200); do
  grep -q '"event":"kb_reload"' "$work/err" && break
  sleep 0.05
done
check "after an answer and a reload"
grep -qF 'madoguchi_knowledge_base_reloads_total{result="ok"} 1' "$work/metrics" ||
  { echo "the reload was not counted" >&2; exit 1; }
# The reload's log line: JSON with an RFC 3339 time.
line=$(grep '"event":"kb_reload"' "$work/err" | head -1)
echo "$line" | grep -q '"outcome":"reloaded"' || { echo "reload not logged: $line" >&2; exit 1; }
echo "$line" | grep -Eq '"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}Z"' ||
  { echo "ts is not RFC 3339: $line" >&2; exit 1; }
echo "ok: /metrics passes promtool at start and after a reload"
