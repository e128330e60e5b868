#!/usr/bin/env bash
# The sandbox's cost: `dossier ingest` in sandboxed worker processes (the default) against
# `--no-sandbox` (extractors in threads), same folders, same -j, in one run. The issue's target:
# the sandbox adds under 10% to ingest time on the Tika and PDF corpora.
#
#   bench/sandbox_overhead.sh [FOLDER...]     (default: ../shared/corpora/tika and /pdf)
#
# Each round ingests the folders into a fresh project once per mode, the two modes in alternating
# order (so that a busy neighbour or a warming page cache does not favour one); RUNS rounds
# (default 5). Prints every run, then per mode the median and best wall time, the median CPU time
# (the ingest and its workers, which it reaps) and peak RSS (of the largest single process: the
# ingest or one worker), the documents and failures found (which must agree), and the overhead,
# also as the median of each round's own ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
dossier="${DOSSIER:-$root/build/release/src/cli/dossier}"
corpora="$(cd "$root/../shared/corpora" 2>/dev/null && pwd || true)"
runs="${RUNS:-5}"
jobs="${JOBS:-$(nproc)}"
if [ $# -gt 0 ]; then folders=("$@"); else folders=("$corpora/tika" "$corpora/pdf"); fi
for f in "${folders[@]}"; do [ -d "$f" ] || { echo "no such folder: $f" >&2; exit 2; }; done
[ -x "$dossier" ] || { echo "build dossier first (scripts/build.sh release)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# CPU time: the kernel's user + system time of the ingest and the workers it reaped. On a
# virtual machine that time is sampled at each tick, and a process that enters the kernel often
# (a worker, for its socket) is charged whole ticks of system time it did not use; with perf
# installed, its task-clock (measured at every context switch) is reported as well.
perf_stat=()
if command -v perf >/dev/null && perf stat -x, -e task-clock -o /dev/null true 2>/dev/null; then
  perf_stat=(perf stat -x, -e task-clock -o "$work/perf")
fi

# One ingest in a fresh project; appends "wall cpu rss_kb documents failures task_clock" to
# $work/<mode>.
run() {
  local mode="$1"; shift
  rm -rf "$work/p"
  "$dossier" -p "$work/p" init >/dev/null
  "${perf_stat[@]}" /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$dossier" -p "$work/p" --json ingest \
    -j "$jobs" "$@" "${folders[@]}" > "$work/report.json" 2>"$work/stderr" ||
    { echo "ingest failed ($mode):" >&2; cat "$work/stderr" >&2; exit 1; }
  local docs fails task="-"
  docs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["new_documents"])' "$work/report.json")
  fails=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["failures"])' "$work/report.json")
  if [ ${#perf_stat[@]} -gt 0 ]; then task=$(awk -F, '/task-clock/{printf "%.2f", $1 / 1000}' "$work/perf"); fi
  local line
  line=$(awk -v d="$docs" -v f="$fails" -v t="$task" '{printf "%.2f %.2f %d %s %s %s\n", $1, $2 + $3, $4, d, f, t}' "$work/time")
  echo "$line" >> "$work/$mode"
  printf '| %-10s | %8s | %8s | %8s | %8.1f | %9s | %8s |\n' "$mode" $(echo "$line" | awk '{print $1, $2, $6}') \
    "$(echo "$line" | awk '{print $3/1024}')" "$docs" "$fails"
}

files=$(find "${folders[@]}" -type f | wc -l)
bytes=$(find "${folders[@]}" -type f -printf '%s\n' | awk '{s+=$1} END{print s}')
echo "sandbox overhead: $files files, $((bytes / 1000000)) MB, -j $jobs on $(nproc) cores, $runs rounds"
echo "folders: ${folders[*]}"
echo
echo "| mode       |   wall s |    CPU s | task-clock s |   RSS MB | documents | failures |"
echo "|------------|----------|----------|----------|----------|-----------|----------|"
for ((i = 0; i < runs; i++)); do
  if ((i % 2 == 0)); then
    run sandbox; run threads --no-sandbox
  else
    run threads --no-sandbox; run sandbox
  fi
done

# "median_wall best_wall median_cpu median_task_clock rss_max docs fails" of a mode's runs.
summary() {
  awk '{print $1}' "$work/$1" | sort -n > "$work/w"
  awk '{print $2}' "$work/$1" | sort -n > "$work/c"
  awk '{print $6}' "$work/$1" | sort -n > "$work/t"
  awk '{if ($3 > r) r = $3; d = $4; f = $5} END {printf "%.1f %s %s\n", r / 1024, d, f}' "$work/$1" > "$work/rest"
  paste -d' ' <(awk '{a[NR]=$1} END{print a[int((NR+1)/2)], a[1]}' "$work/w") \
              <(awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}' "$work/c") \
              <(awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}' "$work/t") "$work/rest"
}
# The median over rounds of sandbox/threads for column $1 (both runs of a round ran back to back,
# so a busy neighbour weighs on both): steadier on a shared machine than comparing medians.
paired() {
  paste -d' ' <(awk -v c="$1" '{print $c}' "$work/sandbox") <(awk -v c="$1" '{print $c}' "$work/threads") |
    awk '{print ($1 / $2 - 1) * 100}' | sort -n | awk '{a[NR]=$1} END{printf "%.1f", a[int((NR+1)/2)]}'
}
read -r sm sb sc st sr sd sf < <(summary sandbox)
read -r tm tb tc tt tr td tf < <(summary threads)
pct() { if [ "$1" = "-" ]; then echo "-"; else printf '%.1f%%' "$(echo "($1 / $2 - 1) * 100" | bc -l)"; fi; }
echo
echo "| mode                  | median wall s | best wall s | median CPU s | median task-clock s | peak RSS MB | documents | failures |"
echo "|-----------------------|--------------:|------------:|-------------:|--------------------:|------------:|----------:|---------:|"
printf '| sandbox (default)     | %13s | %11s | %12s | %19s | %11s | %9s | %8s |\n' "$sm" "$sb" "$sc" "$st" "$sr" "$sd" "$sf"
printf '| --no-sandbox          | %13s | %11s | %12s | %19s | %11s | %9s | %8s |\n' "$tm" "$tb" "$tc" "$tt" "$tr" "$td" "$tf"
printf '| sandbox/no-sandbox    | %13s | %11s | %12s | %19s |             |           |          |\n' \
  "$(pct "$sm" "$tm")" "$(pct "$sb" "$tb")" "$(pct "$sc" "$tc")" "$(pct "$st" "$tt")"
echo
paired_task="-"
[ ${#perf_stat[@]} -gt 0 ] && paired_task="$(paired 6)%"
echo "paired (median over rounds of the round's sandbox/no-sandbox): wall $(paired 1)%, CPU $(paired 2)%, task-clock $paired_task"
echo
[ "$sd" = "$td" ] && [ "$sf" = "$tf" ] || echo "WARNING: the modes disagree on documents or failures"
echo "Target (issue #6): the sandbox adds under 10% to ingest time."
