#!/usr/bin/env bash
# Installs the dependencies, builds dossier, ingests the demo folder (demo/leak: English and
# Chinese documents in several formats) into a fresh project and runs a few searches.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh release
dossier=build/release/src/cli/dossier
project="${DEMO_PROJECT:-demo-project}"
rm -rf "$project"

run() { printf '\n$ %s\n' "$*"; "$@"; }
run "$dossier" -p "$project" init
run "$dossier" -p "$project" ingest demo/leak
run "$dossier" -p "$project" stats
run "$dossier" -p "$project" search 'Orchid Trading'
run "$dossier" -p "$project" search '"surveillance cameras" AND type:pdf'
run "$dossier" -p "$project" search '新疆维吾尔'
run "$dossier" -p "$project" search 'payments date:[2017-01-01 TO 2017-12-31]'
run "$dossier" -p "$project" search 'surveil*' --sort newest
run "$dossier" -p "$project" search 'dormitory AND ocr:true'
id=$("$dossier" -p "$project" --json search 'Meridian Bank' --limit 1 | sed -n 's/.*"id": "\([0-9a-f]\{64\}\)".*/\1/p' | head -1)
run "$dossier" -p "$project" show "${id:0:12}"
run "$dossier" -p "$project" failures
run "$dossier" -p "$project" custody verify
rm -rf "$project-bundle"
run "$dossier" -p "$project" bundle "${id:0:12}" -o "$project-bundle"
run "$dossier" verify-bundle "$project-bundle"
printf '\nThe project is in %s; try: %s -p %s search QUERY\n' "$project" "$dossier" "$project"
