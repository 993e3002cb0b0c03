#!/usr/bin/env bash
# Quick start: installs what is missing, builds a release, and starts the service with the
# embedded default (docs/configuration.md): 127.0.0.1:8080, data in ./madoguchi-data, the
# bundled knowledge base, and an in-process points core with demo members.
#   scripts/start.sh [SERVE FLAGS…]     e.g. --listen 127.0.0.1:9000 or --today 2026-04-15
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target madoguchi

cat <<'HINT'

Starting madoguchi (it prints its address, the demo members and more to try). Then, from
another terminal, ask as a member would:
  curl -s http://127.0.0.1:8080/api/v1/messages -H 'Content-Type: application/json' \
    -d '{"channel_user":"demo","program":"kagawa","text":"ポイントの有効期限は？"}'
or chat in the terminal (a number taps a choice):
  build/release/madoguchi chat --program kagawa
Ctrl-C stops the service.

HINT
exec build/release/madoguchi serve "$@"
