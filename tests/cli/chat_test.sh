#!/bin/sh
# `madoguchi chat` in a terminal: a number beyond the menu shows the menu again (and taps
# nothing); a data folder seeded on another day says which day its demo table describes.
# usage: chat_test.sh MADOGUCHI
set -eu
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() {
  echo "chat_test: $1" >&2
  echo "$2" >&2
  exit 1
}

out=$(printf '健康ポイントはいつ交換できますか？\n9\n1\nexit\n' |
  "$bin" chat --program kagawa --data-dir "$dir/data" --today 2026-05-15)
echo "$out" | grep -q 'その番号の選択肢はありません' || fail "no word on the missing number" "$out"
# The menu is shown twice (the answer, then again after 9), and 1 still taps its first choice.
[ "$(echo "$out" | grep -c '\[1\] 交換した商品はいつごろ届きますか？')" -eq 2 ] ||
  fail "the menu was not shown again" "$out"
echo "$out" | grep -q '商品が届くまでの目安' || fail "1 did not tap the re-shown menu" "$out"
echo "$out" | grep -q '状態は 2026-05-15 時点です' || fail "no seed day" "$out"

again=$(printf 'exit\n' |
  "$bin" chat --program kagawa --data-dir "$dir/data" --today 2026-04-15)
echo "$again" | grep -q '2026-05-15 に作られたもので' ||
  fail "--today on an older data folder was passed off as today's table" "$again"
same=$(printf 'exit\n' |
  "$bin" chat --program kagawa --data-dir "$dir/data" --today 2026-05-15)
if echo "$same" | grep -q 'に作られたもので'; then
  fail "a note on the seed day itself" "$same"
fi
