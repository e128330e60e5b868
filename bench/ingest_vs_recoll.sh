#!/usr/bin/env bash
# Ingest benchmark, side by side with recoll (Debian recollcmd) over the same folders, in one run.
# Prints wall time, CPU time, peak RSS, documents indexed and index size for both, and the ratios.
#
#   bench/ingest_vs_recoll.sh [FOLDER...]     (default: PDF + HTML + text from ../shared/corpora)
#
# Both tools index from a cold project with the same files; each run is done RUNS times (default 1)
# and the fastest is kept. dossier also copies every original into its blob store (recoll does
# not), so its "index size" column leaves the blobs out and they are reported separately.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dossier="${DOSSIER:-$root/build/release/src/cli/dossier}"
corpora="$(cd "$root/../shared/corpora" 2>/dev/null && pwd || true)"
runs="${RUNS:-1}"
if [ $# -gt 0 ]; then
  folders=("$@")
else
  folders=("$corpora/zh-laws" "$corpora/pdf" "$corpora/tika/pdf" "$corpora/tika/html" "$corpora/tika/txt")
fi
for f in "${folders[@]}"; do [ -d "$f" ] || { echo "no such folder: $f" >&2; exit 2; }; done
[ -x "$dossier" ] || { echo "build dossier first (scripts/build.sh release)" >&2; exit 2; }
command -v recollindex >/dev/null || { echo "recollindex missing: apt-get install recollcmd" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs a command under GNU time; prints "wall cpu rss_kb".
measure() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    echo "failed: $*" >&2; cat "$work/stderr" >&2; exit 1; }
  awk '{printf "%.2f %.2f %d\n", $1, $2 + $3, $4}' "$work/time"
}

best() {  # keeps the run with the least wall time
  local name="$1"; shift
  local bestline=""
  for ((i = 0; i < runs; i++)); do
    "$@"
    line=$(cat "$work/$name.line")
    if [ -z "$bestline" ] || awk -v a="$line" -v b="$bestline" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then
      bestline="$line"
    fi
  done
  echo "$bestline" > "$work/$name.line"
}

run_dossier() {
  rm -rf "$work/dossier"
  "$dossier" -p "$work/dossier" init >/dev/null
  measure "$dossier" -p "$work/dossier" ingest "${folders[@]}" > "$work/dossier.line.tmp"
  docs=$("$dossier" -p "$work/dossier" --json stats | awk -F'[:,]' '/"documents"/{gsub(/ /,"",$2);print $2}')
  size=$(du -sb "$work/dossier/index" "$work/dossier/dossier.db" "$work/dossier/dossier.db-wal" 2>/dev/null | awk '{s+=$1} END{print s}')
  echo "$(cat "$work/dossier.line.tmp") $docs $size" > "$work/dossier.line"
}

run_recoll() {
  rm -rf "$work/recoll"; mkdir -p "$work/recoll"
  {
    printf 'topdirs = %s\n' "${folders[*]}"
    printf 'loglevel = 1\n'
    printf 'idxflushmb = 50\n'
  } > "$work/recoll/recoll.conf"
  measure recollindex -c "$work/recoll" -z > "$work/recoll.line.tmp"
  docs=$(xapian-delve -1 "$work/recoll/xapiandb" 2>/dev/null | awk '/number of documents/{print $NF}')
  size=$(du -sb "$work/recoll/xapiandb" | awk '{print $1}')
  echo "$(cat "$work/recoll.line.tmp") $docs $size" > "$work/recoll.line"
}

best dossier run_dossier
best recoll run_recoll
blobs=$(du -sb "$work/dossier/blobs" 2>/dev/null | awk '{print $1}' || echo 0)
files=$(find "${folders[@]}" -type f | wc -l)
bytes=$(find "${folders[@]}" -type f -printf '%s\n' | awk '{s+=$1} END{print s}')

read -r dw dc dr dd ds < "$work/dossier.line"
read -r rw rc rr rd rs < "$work/recoll.line"
echo "ingest benchmark: $files files, $((bytes / 1000000)) MB, $(nproc) cores, best of $runs"
echo "folders: ${folders[*]}"
printf '\n| %-10s | %10s | %10s | %12s | %10s | %14s |\n' tool "wall s" "CPU s" "peak RSS MB" documents "index MB"
printf '|%s|%s|%s|%s|%s|%s|\n' ------------ ------------ ------------ -------------- ------------ ----------------
printf '| %-10s | %10.2f | %10.2f | %12.1f | %10s | %14.1f |\n' dossier "$dw" "$dc" "$(echo "$dr/1024" | bc -l)" "$dd" "$(echo "$ds/1000000" | bc -l)"
printf '| %-10s | %10.2f | %10.2f | %12.1f | %10s | %14.1f |\n' recoll "$rw" "$rc" "$(echo "$rr/1024" | bc -l)" "$rd" "$(echo "$rs/1000000" | bc -l)"
printf '| %-10s | %9.2fx | %9.2fx | %11.2fx | %10s | %13.2fx |\n' "recoll/dossier" \
  "$(echo "$rw/$dw" | bc -l)" "$(echo "$rc/$dc" | bc -l)" "$(echo "$rr/$dr" | bc -l)" "" "$(echo "$rs/$ds" | bc -l)"
echo
echo "dossier also keeps every original byte-exact: blob store $((blobs / 1000000)) MB (not in the index size)."
echo "Target (issue #2): dossier at least 3x faster than recollindex (wall), peak RSS under 300 MB."
