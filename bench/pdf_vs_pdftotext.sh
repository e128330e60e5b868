#!/usr/bin/env bash
# PDF text extraction, dossier (MuPDF, dossier-pdftext-bench) side by side with poppler's pdftotext
# over the same PDFs, single-threaded each. Prints wall time, CPU time, pages and characters of text
# for both, and the ratio dossier/pdftotext.
#
#   bench/pdf_vs_pdftotext.sh [FILE_OR_FOLDER...]   (default: ../shared/corpora/pdf)
#
# RUNS=N repeats each measurement and keeps the fastest (default 3). BENCH=path picks the binary.
# pdftotext is one process per file (it takes one file); dossier is measured both ways: one process
# for all files (how the pipeline runs it) and one process per file (like for like).
# "chars" counts non-space characters, so that layout whitespace does not decide the comparison;
# "agree" is the share of pdftotext's words (multiset) that dossier also produced.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
bench="${BENCH:-}"
if [ -z "$bench" ]; then
  for b in "$root"/build/{release,pdf,relwithdebinfo,debug}/bench/dossier-pdftext-bench; do
    [ -x "$b" ] && { bench="$b"; break; }
  done
fi
[ -n "$bench" ] && [ -x "$bench" ] || { echo "build dossier-pdftext-bench first" >&2; exit 2; }
command -v pdftotext >/dev/null || { echo "pdftotext missing: apt-get install poppler-utils" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }
runs="${RUNS:-3}"
inputs=("$@")
[ ${#inputs[@]} -gt 0 ] || inputs=("$root/../shared/corpora/pdf")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
find "${inputs[@]}" -type f -iname '*.pdf' | sort > "$work/files"
nfiles=$(wc -l < "$work/files")
[ "$nfiles" -gt 0 ] || { echo "no PDFs in ${inputs[*]}" >&2; exit 2; }
mapfile -t files < "$work/files"

# Writes each file's text to DIR/<index>.txt, one process per file.
cat > "$work/pdftotext_all.sh" <<'EOF'
#!/usr/bin/env bash
out="$1"; shift; i=0
for f in "$@"; do pdftotext -q -enc UTF-8 "$f" "$out/$i.txt" || true; i=$((i + 1)); done
EOF
cat > "$work/dossier_each.sh" <<'EOF'
#!/usr/bin/env bash
bench="$1"; out="$2"; shift 2; i=0; mkdir -p "$out/tmp"
for f in "$@"; do
  "$bench" -o "$out/tmp" "$f" >/dev/null
  [ -f "$out/tmp/0.txt" ] && mv "$out/tmp/0.txt" "$out/$i.txt"
  i=$((i + 1))
done
EOF
chmod +x "$work"/*.sh

# Runs "$@" RUNS times under GNU time, output in $work/<name>; keeps the fastest "wall cpu".
measure() {
  local name="$1"; shift
  local best=""
  for ((r = 0; r < runs; r++)); do
    rm -rf "$work/$name"; mkdir -p "$work/$name"
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null
    line=$(awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$work/time")
    if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then
      best="$line"
    fi
  done
  echo "$best" > "$work/$name.time"
}

measure dossier "$bench" -o "$work/dossier" "${files[@]}"
measure dossier_each "$work/dossier_each.sh" "$bench" "$work/dossier_each" "${files[@]}"
measure pdftotext "$work/pdftotext_all.sh" "$work/pdftotext" "${files[@]}"

python3 - "$work" "$nfiles" <<'EOF'
import collections, os, sys
work, n = sys.argv[1], int(sys.argv[2])

def stats(name):
    pages = chars = ok = 0
    words = {}
    for i in range(n):
        p = os.path.join(work, name, f"{i}.txt")
        if not os.path.exists(p):
            continue
        text = open(p, encoding="utf-8", errors="replace").read()
        ok += 1
        pages += text.count("\f")
        chars += sum(1 for c in text if not c.isspace())
        words[i] = collections.Counter(text.split())
    wall, cpu = map(float, open(os.path.join(work, name + ".time")).read().split())
    return dict(wall=wall, cpu=cpu, pages=pages, chars=chars, ok=ok, words=words)

d, e, p = stats("dossier"), stats("dossier_each"), stats("pdftotext")
common = total = 0
for i, pw in p["words"].items():
    dw = d["words"].get(i, collections.Counter())
    common += sum((pw & dw).values())
    total += sum(pw.values())
agree = 100.0 * common / total if total else 0.0

print(f"{n} PDFs, fastest of {os.environ.get('RUNS', '3')} runs, single-threaded\n")
print(f"| {'tool':<28} | {'wall s':>7} | {'CPU s':>7} | {'files':>5} | {'pages':>6} | {'chars':>9} |")
print(f"|{'-'*30}|{'-'*9}|{'-'*9}|{'-'*7}|{'-'*8}|{'-'*11}|")
for label, s in (("dossier (one process)", d), ("dossier (process per file)", e),
                 ("pdftotext (process per file)", p)):
    print(f"| {label:<28} | {s['wall']:>7.3f} | {s['cpu']:>7.3f} | {s['ok']:>5} | {s['pages']:>6} | {s['chars']:>9} |")
def ratio(a, b):
    return a / b if b else float("nan")
print(f"| {'ratio dossier/pdftotext':<28} | {ratio(d['wall'], p['wall']):>7.2f} | "
      f"{ratio(d['cpu'], p['cpu']):>7.2f} | {'':>5} | {ratio(d['pages'], p['pages']):>6.2f} | "
      f"{ratio(d['chars'], p['chars']):>9.2f} |")
print(f"| {'ratio, process per file':<28} | {ratio(e['wall'], p['wall']):>7.2f} | "
      f"{ratio(e['cpu'], p['cpu']):>7.2f} | {'':>5} | {'':>6} | {'':>9} |")
print(f"\nfiles = PDFs that produced a text file; agree = {agree:.1f}% of pdftotext's words "
      f"also in dossier's text")
EOF
