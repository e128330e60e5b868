#!/usr/bin/env bash
# The custody log's share of ingest time. The issue's target: appending costs under 2% of the
# ingest of the zh-laws corpus.
#
#   bench/custody_append_overhead.sh [FOLDER...]   (default: ../shared/corpora/zh-laws)
#
# Ingests the folders into a fresh project RUNS times (default 1) and reads the ingest report:
# `seconds` is the whole ingest, `custody_seconds` the time the writer spent on the log (opening
# it, encoding entries and hashing the extracted text for DERIVE entries, append_batch with its
# write + fsync + tree update per batch, and the closing checkpoint). Prints a markdown table.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dossier="${DOSSIER:-$root/build/release/src/cli/dossier}"
corpora="$(cd "$root/../shared/corpora" 2>/dev/null && pwd || true)"
runs="${RUNS:-1}"
if [ $# -gt 0 ]; then folders=("$@"); else folders=("$corpora/zh-laws"); fi
for f in "${folders[@]}"; do [ -d "$f" ] || { echo "no such folder: $f" >&2; exit 2; }; done
[ -x "$dossier" ] || { echo "build dossier first: cmake --build build/release" >&2; exit 2; }

work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

echo "Corpus: ${folders[*]}; $runs run(s); $(nproc) cores"
echo
echo "| run | files | documents | log entries | ingest s | custody s | custody share |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for ((i = 1; i <= runs; i++)); do
  rm -rf "$work/p"
  "$dossier" -p "$work/p" init >/dev/null
  "$dossier" -p "$work/p" --json ingest "${folders[@]}" >"$work/ingest.json" 2>"$work/err" || {
    echo "ingest failed" >&2; cat "$work/err" >&2; exit 1; }
  entries=$("$dossier" -p "$work/p" --json custody verify |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
  python3 - "$work/ingest.json" "$i" "$entries" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if "custody_seconds" not in r:
    sys.exit("this dossier does not report custody_seconds")
share = 100 * r["custody_seconds"] / r["seconds"] if r["seconds"] else 0
print(f"| {sys.argv[2]} | {r['files_seen']} | {r['new_documents']} | {sys.argv[3]} | "
      f"{r['seconds']:.2f} | {r['custody_seconds']:.3f} | {share:.2f}% |")
PY
done
echo
echo "target: custody share < 2%"
