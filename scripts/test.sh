#!/usr/bin/env bash
# Installs the dependencies, builds dossier and runs every test: unit and end-to-end tests always,
# corpus tests (ctest label "corpus") when ../shared/corpora is present.
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
cd build/release
ctest -L "$labels" --output-on-failure -j"$(nproc)" --timeout 1500
