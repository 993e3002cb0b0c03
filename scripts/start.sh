#!/usr/bin/env bash
# Quick start: installs what is missing, builds a release, and opens an interactive
# `madoguchi ask` session on the bundled knowledge base.
#   scripts/start.sh [PROGRAM]     PROGRAM: kagawa (default), ibaraki or itkenpo
set -euo pipefail
cd "$(dirname "$0")/.."
program="${1:-kagawa}"

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target madoguchi

cat <<HINT

madoguchi is ready. Ask as a member would, for example:
  認証コードをなくした / ぱすわーど忘れた / 令和6年10月にもらったポイントはいつ失効？
  (ibaraki) ゴールドになるには何ポイント？   (itkenpo) 対象者200人、受診不可者10人、受診者180人の受診率は？
A number picks one of the offered choices; Ctrl-D ends. One-shot and JSON:
  build/release/madoguchi ask --program ${program} --json "ポイントの有効期限は？"
  build/release/madoguchi eval --set ../shared/eval/dev.tsv --json
HINT
exec build/release/madoguchi ask --program "${program}"
