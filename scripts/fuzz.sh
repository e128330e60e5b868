#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`) and runs each for a while.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
# TARGET is a target name (fuzz_query, fuzz_extract_pdf-mupdf, ...); default: all of them.
# PARALLEL=N runs N targets at once (default 1; one per core is the sensible maximum).
# TIMEOUT=S is the wall-clock seconds after which one input counts as a hang (default 25: on a
# loaded machine a slow but finite input would otherwise be reported, and end that target's run).
# Corpora grow in fuzz/corpus/<target>/, crashes land in fuzz/crashes/<target>/ (both gitignored).
# Corpora are seeded on first use from tests/fixtures and ../shared/corpora (<= 20 small files).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-60}"
shift || true
BUILD="$ROOT/build/fuzz"
JOBS="${JOBS:-2}"
PARALLEL="${PARALLEL:-1}"
TIMEOUT="${TIMEOUT:-25}"

cd "$ROOT"
# Leaks inside system libraries that dossier cannot free (see the file) must not stop a run.
export LSAN_OPTIONS="suppressions=$ROOT/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
cmake --preset fuzz >/dev/null || exit 1
cmake --build "$BUILD" -j"$JOBS" || exit 1

if [[ $# -gt 0 ]]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(cd "$BUILD/fuzz" && ls fuzz_* | grep -v '\.' | sort)
fi

# File-name patterns for seeds, by target.
seed_patterns() {
  case "$1" in
    fuzz_extract_pdf-mupdf|fuzz_pdf_render) echo '*.pdf' ;;
    fuzz_extract_html) echo '*.html *.htm' ;;
    fuzz_extract_xml) echo '*.xml *.svg' ;;
    fuzz_extract_image) echo '*.jpg *.jpeg *.png *.gif *.tif *.tiff *.webp' ;;
    fuzz_extract_text) echo '*.txt *.csv' ;;
    fuzz_extract_ooxml) echo '*.docx *.xlsx *.pptx' ;;
    fuzz_extract_odf) echo '*.odt *.ods *.odp *.odg' ;;
    fuzz_extract_xps) echo '*.xps *.oxps' ;;
    fuzz_extract_epub) echo '*.epub' ;;
    fuzz_extract_archive) echo '*.zip *.tar *.gz *.tgz *.bz2 *.7z' ;;
    fuzz_extract_ole) echo '*.doc *.xls *.ppt *.msg' ;;
    fuzz_extract_rtf) echo '*.rtf' ;;
    fuzz_extract_email) echo '*.eml' ;;
    fuzz_extract_mbox) echo '*.mbox *.mbx' ;;
    fuzz_extract_pst) echo '*.pst *.ost' ;;
    fuzz_extract_smime) echo '*.p7m *.p7s' ;;
    fuzz_extract_tnef) echo '*.tnef *.dat' ;;
    fuzz_sniff) echo '*.pdf *.html *.docx *.jpg *.eml *.zip *.rtf *.doc *.xml *.txt' ;;
    fuzz_ocr_image) echo '*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.gif *.ppm *.jp2 *.webp' ;;
    fuzz_custody_entry) echo 'entry' ;;
    fuzz_tlog_proof) echo '*.tlog-proof checkpoint' ;;
    *) echo '' ;;
  esac
}

seed_corpus() {
  local target="$1" dir="$2" patterns n=0
  patterns="$(seed_patterns "$target")"
  case "$target" in
    fuzz_query)
      local i=0
      for q in 'foo' 'foo AND bar' '"new york"~3 OR title:report*' 'type:pdf -draft' \
               'date:[2001 TO 2010] AND (a OR b)^2' 'colou?r~1' '新疆 "中文abc*"' '*:*' 'NOT x'; do
        printf '%s' "$q" >"$dir/seed-$((i++))"
      done
      return ;;
    fuzz_bundle)
      # first byte picks the file; seeds replace a few with plausible content
      local i=0
      for f in "$ROOT"/demo-project-bundle/checkpoint "$ROOT"/demo-project-bundle/verifier.key \
               "$ROOT"/demo-project-bundle/documents/*/entry*; do
        [[ -f "$f" ]] || continue
        { printf "\\x$(printf %02x $((i % 7)))"; cat "$f"; } >"$dir/seed-$((i++))"
      done
      return ;;
  esac
  [[ -n "$patterns" ]] || return
  local args=() first=1
  for p in $patterns; do
    [[ $first -eq 1 ]] || args+=(-o)
    args+=(-name "$p"); first=0
  done
  while IFS= read -r -d '' f; do
    cp "$f" "$dir/$(basename "$f")" 2>/dev/null && n=$((n + 1))
    [[ $n -ge 20 ]] && break
  done < <(find "$ROOT/tests/fixtures" "$ROOT/demo-project-bundle" "$ROOT/../shared/corpora" \
             -type f \( "${args[@]}" \) -size -1048576c -print0 2>/dev/null | sort -z)
}

SUMMARY="$BUILD/fuzz-summary.txt"
: >"$SUMMARY.rows"

run_target() {
  local t="$1" exe="$BUILD/fuzz/$1"
  [[ -x "$exe" ]] || { echo "no such target: $t" >&2; return; }
  local corpus="$ROOT/fuzz/corpus/$t" crashes="$ROOT/fuzz/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  [[ -n "$(ls -A "$corpus")" ]] || seed_corpus "$t" "$corpus"
  local log="$BUILD/$t.log" before after rc execs cov new
  before=$(ls -A "$crashes" | wc -l)
  echo "== $t (${SECONDS_PER_TARGET}s) started $(date +%H:%M:%S)" >&2
  "$exe" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout="$TIMEOUT" \
    -max_len=1048576 -print_final_stats=1 -artifact_prefix="$crashes/" >"$log" 2>&1
  rc=$?
  after=$(ls -A "$crashes" | wc -l)
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  [[ -n "$execs" ]] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+')
  new=$((after - before))
  # One short line per append, so concurrent targets do not interleave.
  printf '%-28s %12s %8s %8s %8s\n' "$t" "${execs:-?}" "${cov:-?}" "$new" "$rc" >>"$SUMMARY.rows"
  if [[ $new -gt 0 || $rc -ne 0 ]]; then
    {
      echo "!! $t exited $rc; log: $log"
      grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehavior)|runtime error' "$log"
      grep -m3 -E '^ +#[0-9]+ ' "$log"
    } >&2
  fi
}

running=0
for t in "${TARGETS[@]}"; do
  if [[ $running -ge $PARALLEL ]]; then
    wait -n
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait

{
  printf '%-28s %12s %8s %8s %8s\n' target executions cov crashes exit
  sort "$SUMMARY.rows"
} >"$SUMMARY"
rm -f "$SUMMARY.rows"
cat "$SUMMARY"
