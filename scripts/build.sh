#!/usr/bin/env bash
# Configures and builds one preset (default: release). Incremental; ccache keeps rebuilds cheap.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
# Cache hits across clones (CI builds a fresh clone in another folder).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build "build/$preset" -j"$(nproc)"
