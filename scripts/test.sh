#!/usr/bin/env bash
# Builds with warnings as errors and runs every test (unit, integration on loopback, and the
# evaluation regression on the development set when ../shared/eval is present).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# The PostgreSQL suites skip where PostgreSQL is absent; here install-deps put it in place, so
# a missing server is a failure, never a silent skip.
export MADOGUCHI_REQUIRE_POSTGRES=1
cmake --preset ci >/dev/null
cmake --build --preset ci
ctest --preset ci --parallel "$(nproc)"
