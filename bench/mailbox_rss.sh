#!/usr/bin/env bash
# Streams a generated 2 GB mbox (about 2,000 messages, each with a 768 KiB attachment) through
# `dossier ingest` and reports peak RSS. Target (issue #4): under 300 MB.
#
#   bench/mailbox_rss.sh [SIZE_GB]      (default 2; needs about 3 × SIZE of free disk in $TMPDIR)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dossier="${DOSSIER:-$root/build/release/src/cli/dossier}"
size_gb="${1:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
/usr/bin/python3 - "$work/in/big.mbox" "$size_gb" <<'PY'
import base64, os, sys
path, size = sys.argv[1], float(sys.argv[2]) * 1024**3
blob = os.urandom(768 * 1024)
with open(path, 'wb') as f:
    n = 0
    while f.tell() < size:
        n += 1
        f.write(b"From sender@example.com Mon Jan  2 10:00:00 2017\n")
        f.write((f"From: Sender {n} <sender@example.com>\nTo: desk@example.org\n"
                 f"Subject: shipment report {n}\nDate: Mon, 2 Jan 2017 10:00:00 +0000\n"
                 f"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b{n}\"\n\n"
                 f"--b{n}\nContent-Type: text/plain; charset=utf-8\n\nReport number {n}.\n\n"
                 f"--b{n}\nContent-Type: application/octet-stream\n"
                 f"Content-Disposition: attachment; filename=\"data{n}.bin\"\n"
                 f"Content-Transfer-Encoding: base64\n\n").encode())
        f.write(base64.encodebytes(n.to_bytes(8, 'little') + blob[8:]))  # unique per message
        f.write(f"\n--b{n}--\n\n".encode())
PY
"$dossier" -p "$work/p" init >/dev/null
/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$dossier" -p "$work/p" --json ingest "$work/in" > "$work/report.json"
read -r wall user sys rss < "$work/time"
bytes=$(stat -c %s "$work/in/big.mbox")
docs=$(grep -o '"new_documents": [0-9]*' "$work/report.json" | grep -o '[0-9]*$')
printf '| mailbox | wall s | CPU s | peak RSS MB | documents |\n|---|---:|---:|---:|---:|\n'
printf '| %.2f GB mbox | %.1f | %.1f | %.1f | %s |\n' "$(echo "$bytes/1000000000" | bc -l)" "$wall" \
  "$(echo "$user+$sys" | bc -l)" "$(echo "$rss/1024" | bc -l)" "$docs"
echo "Target (issue #4): peak RSS under 300 MB."
