#!/usr/bin/env bash
# Installs the dependencies, builds dossier and runs every test: unit and end-to-end tests always,
# corpus tests (ctest label "corpus") when ../shared/corpora is present; then the unit tests under
# the asan preset (AddressSanitizer and UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
labels="unit|e2e"
if [ -d ../shared/corpora ]; then
  labels="unit|e2e|corpus"
else
  echo "test.sh: ../shared/corpora not found: corpus tests skipped"
fi
(cd build/release && ctest -L "$labels" --output-on-failure -j"$(nproc)" --timeout 1500)

# The unit tests again under AddressSanitizer and UBSan (the asan preset). Only the unit test
# binaries are built (target unit_tests), through ccache like the release build.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [ ! -f build/asan/build.ninja ]; then
  cmake --preset asan >/dev/null
fi
cmake --build build/asan -j"$(nproc)" --target unit_tests
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
(cd build/asan && ctest -L unit --output-on-failure -j"$(nproc)" --timeout 1500)
