#!/usr/bin/env bash
# Builds with warnings as errors and runs every test (unit, integration on loopback, and the
# evaluation regression on the development set when ../shared/eval is present).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci --parallel "$(nproc)"
