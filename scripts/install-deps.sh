#!/usr/bin/env bash
# Installs the Debian 12 packages madoguchi builds and runs with, and the browser test's npm
# packages (tests/browser, from its package-lock.json). Idempotent: only what is missing is
# installed, so running it on a ready machine is fast and changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config
  libicu-dev
  mecab libmecab-dev mecab-utils mecab-ipadic mecab-ipadic-utf8
  libsqlite3-dev sqlite3
  # Shared state for several replicas (src/db/postgres.h); the tests start throwaway servers.
  postgresql libpq-dev
  nlohmann-json3-dev
  libcpp-httplib-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  curl
  # promtool, which checks /metrics in the tests (tests/ops/check_metrics.sh).
  prometheus
  # The staff console's test drives Chromium with node (tests/browser); the CJK fonts make its
  # screenshots readable.
  nodejs chromium fonts-noto-cjk
)
# Debian packages npm apart from nodejs; a node from elsewhere (NodeSource) brings its own.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The browser test's packages, exactly as locked. A copy of the lock file marks an install that
# is complete and current, so a ready tree is left alone.
browser=tests/browser
if cmp -s "$browser/package-lock.json" "$browser/node_modules/.installed-lock.json"; then
  echo "install-deps: $browser/node_modules current"
else
  echo "install-deps: npm ci in $browser"
  (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$browser/package-lock.json" "$browser/node_modules/.installed-lock.json"
fi
