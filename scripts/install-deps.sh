#!/usr/bin/env bash
# Installs the Debian 12 packages madoguchi builds and runs with. Idempotent: only what is
# missing is installed, so running it on a ready machine is fast and changes nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libicu-dev
  mecab libmecab-dev mecab-utils mecab-ipadic mecab-ipadic-utf8
  libsqlite3-dev sqlite3
  nlohmann-json3-dev
  libcpp-httplib-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
