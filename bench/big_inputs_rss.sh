#!/usr/bin/env bash
# Huge inputs through `dossier ingest`, one project each, with the peak resident size of the
# ingesting process (issue #6: "Peak RSS of the parent stays flat whatever the corpus size ...
# 10 GB files, 1 million-member archives stream through"):
#   - a sparse file of SIZE_GB (default 10) GB: copied into the blob store, never read whole;
#   - a 1 GiB text file: 64 MiB of it is indexed (the text limit), the rest cut with a warning;
#   - a tar of MEMBERS (default 1,000,000) members with DISTINCT (default 10,000) contents.
# Peak RSS is ru_maxrss (it counts the mapped pages of the input being read, page cache the
# kernel can take back); "anon" is the peak of RssAnon, sampled every 50 ms.
#
#   bench/big_inputs_rss.sh [SIZE_GB] [MEMBERS] [DISTINCT]   (needs about SIZE_GB + 4 GB in $TMPDIR)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dossier="${DOSSIER:-$root/build/release/src/cli/dossier}"
size_gb="${1:-10}"
members="${2:-1000000}"
distinct="${3:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/sparse" "$work/text" "$work/tar"
truncate -s "${size_gb}G" "$work/sparse/zeros.bin"
/usr/bin/python3 - "$work/text/long.log" "$work/tar/many.tar" "$members" "$distinct" <<'PY'
import io, sys, tarfile
text, tar_path, members, distinct = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(text, 'w') as f:
    i = 0
    while f.tell() < 1 << 30:
        f.write(f"2017-03-01 10:04:{i % 60:02d} event {i} account k{i % 50021}\n" * 64)
        i += 1
with tarfile.open(tar_path, 'w', format=tarfile.USTAR_FORMAT) as t:
    for i in range(members):
        data = f"member content {i % distinct} w{i % distinct * 7919 % 100003}\n".encode()
        info = tarfile.TarInfo(f"d{i // 1000:04d}/member-{i:07d}.txt")
        info.size = len(data)
        info.mtime = 1488362640
        t.addfile(info, io.BytesIO(data))
PY

printf '| input | wall s | peak RSS MB | peak anon MB | documents | locations |\n|---|---:|---:|---:|---:|---:|\n'
run() {  # name input
  local name="$1" input="$2" p="$work/p-$RANDOM"
  "$dossier" -p "$p" init >/dev/null
  /usr/bin/time -f '%e %M' -o "$work/time" "$dossier" -p "$p" --json ingest "$input" > "$work/report.json" &
  local timer=$! anon=0 pid
  sleep 0.2
  pid=$(pgrep -P "$timer" -n || true)
  while kill -0 "$timer" 2>/dev/null; do
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
      local a
      a=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ "${a:-0}" -gt "$anon" ] && anon=$a
    fi
    sleep 0.05
  done
  wait "$timer"
  read -r wall rss < "$work/time"
  docs=$(grep -o '"new_documents": [0-9]*' "$work/report.json" | grep -o '[0-9]*$')
  locs=$(grep -o '"new_locations": [0-9]*' "$work/report.json" | grep -o '[0-9]*$')
  printf '| %s | %.1f | %d | %d | %s | %s |\n' "$name" "$wall" $((rss / 1024)) $((anon / 1024)) "$docs" "$locs"
  rm -rf "$p"
}
run "${size_gb} GB sparse file" "$work/sparse"
run "1 GiB text file" "$work/text"
run "tar, $members members ($distinct distinct)" "$work/tar"
