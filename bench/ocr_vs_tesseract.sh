#!/usr/bin/env bash
# OCR throughput and accuracy: `dossier ingest` (libtesseract in-process, one engine per worker,
# the whole pipeline: hashing, blob store, custody log, index) side by side with the `tesseract`
# CLI on the same images, the same languages and the same cores, in one run.
#
#   bench/ocr_vs_tesseract.sh [FILE_OR_FOLDER...]
#     default: ../shared/corpora/ocr/tesseract-test, ../shared/corpora/icij/extract/documents/ocr,
#              ../shared/corpora/ocr/rapidocr-multilingual/test_files
#
# LANGS (default eng+chi_sim), JOBS (default: cores). The CLI runs JOBS processes at a time with
# OMP_THREAD_LIMIT=1 (its fastest setting on few cores); dossier runs `ingest -j JOBS`.
# Accuracy: character error rate (edit distance / ground-truth length, whitespace collapsed) on the
# images that have a ground-truth .txt beside them. A second table: image-only and mixed PDFs
# (ocrmypdf's test PDFs), pages OCR'd and pages skipped because they already had text.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
shared="$root/../shared/corpora"
dossier="${DOSSIER:-}"
if [ -z "$dossier" ]; then
  for b in "$root"/build/{release,debug}/src/cli/dossier; do
    [ -x "$b" ] && { dossier="$b"; break; }
  done
fi
[ -n "$dossier" ] && [ -x "$dossier" ] || { echo "build dossier first (scripts/build.sh)" >&2; exit 2; }
command -v tesseract >/dev/null || { echo "tesseract missing: apt-get install tesseract-ocr" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }
py=/usr/bin/python3
langs="${LANGS:-eng+chi_sim}"
jobs="${JOBS:-$(nproc)}"
inputs=("$@")
if [ ${#inputs[@]} -eq 0 ]; then
  inputs=("$shared/ocr/tesseract-test" "$shared/icij/extract/documents/ocr" "$shared/ocr/rapidocr-multilingual/test_files")
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/images" "$work/cli"
i=0
declare -A seen
while IFS= read -r f; do
  # Each distinct image once (dossier would read a duplicate once; the CLI would not), as flat
  # copies with unique names (the walker does not follow symlinks).
  sum=$(sha256sum "$f" | cut -c1-64)
  [ -n "${seen[$sum]:-}" ] && continue
  seen[$sum]=1
  cp "$f" "$work/images/$(printf '%03d' $i)-$(basename "$f")"
  stem="${f%.*}"
  [ -f "$stem.txt" ] && cp "$stem.txt" "$work/images/$(printf '%03d' $i)-$(basename "$stem").gt"
  i=$((i + 1))
done < <(find "${inputs[@]}" -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.tif' \
          -o -iname '*.tiff' -o -iname '*.bmp' -o -iname '*.gif' -o -iname '*.webp' -o -iname '*.ppm' -o -iname '*.pnm' \
          -o -iname '*.jp2' \) | sort)
nimages=$i
[ "$nimages" -gt 0 ] || { echo "no images in ${inputs[*]}" >&2; exit 2; }

echo "OCR: $nimages images, languages $langs, $jobs at a time, $(nproc) cores"

# tesseract CLI, JOBS processes at a time.
cat > "$work/cli.sh" <<'EOF'
#!/usr/bin/env bash
langs="$1"; out="$2"; jobs="$3"; shift 3
printf '%s\0' "$@" | OMP_THREAD_LIMIT=1 xargs -0 -P "$jobs" -I{} sh -c \
  'tesseract "$1" "$2/$(basename "$1")" -l "$3" >/dev/null 2>&1 || true' _ {} "$out" "$langs"
EOF
chmod +x "$work/cli.sh"
mapfile -t images < <(find "$work/images" -type f ! -name '*.gt' | sort)
/usr/bin/time -f '%e %U %S %M' -o "$work/cli.time" "$work/cli.sh" "$langs" "$work/cli" "$jobs" "${images[@]}"

# dossier ingest.
"$dossier" -p "$work/project" init >/dev/null
"$dossier" -p "$work/project" config ocr.languages "$langs" >/dev/null
/usr/bin/time -f '%e %U %S %M' -o "$work/dossier.time" "$dossier" -p "$work/project" ingest -j "$jobs" \
  "$work/images" >/dev/null

"$py" - "$work" <<'EOF'
import os, sqlite3, sys
work = sys.argv[1]

def times(name):
    wall, user, sys_, rss = open(os.path.join(work, name)).read().split()
    return float(wall), float(user) + float(sys_), int(rss) // 1024

def norm(s):
    return " ".join(s.split())

def cer(hyp, ref):
    hyp, ref = norm(hyp), norm(ref)
    if not ref:
        return 0.0
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1] / len(ref)

db = sqlite3.connect(os.path.join(work, "project", "dossier.db"))
rows = db.execute("""SELECT l.path, p.number, p.text FROM pages p JOIN locations l ON l.doc_id = p.doc_id
                     WHERE p.ocr = 1 AND l.parent_id = '' ORDER BY l.path, p.number""").fetchall()
ours = {}
for path, number, text in rows:
    ours.setdefault(os.path.basename(path), []).append(text)
dossier_pages = len(db.execute("SELECT 1 FROM pages WHERE ocr = 1").fetchall())
cli_dir = os.path.join(work, "cli")
cli = {}
cli_pages = 0
for name in os.listdir(cli_dir):
    text = open(os.path.join(cli_dir, name), encoding="utf-8", errors="replace").read()
    cli[name[:-4]] = text
    cli_pages += max(1, text.count("\f"))

cw, cc, cr = times("cli.time")
dw, dc, dr = times("dossier.time")
print()
print("| reader | pages read | wall s | CPU s | pages/s | peak RSS MB |")
print("|---|---|---|---|---|---|")
print(f"| tesseract CLI ({os.environ.get('JOBS') or os.cpu_count()} at a time) | {cli_pages} | {cw:.1f} | {cc:.1f} | {cli_pages / cw:.2f} | {cr} |")
print(f"| dossier ingest | {dossier_pages} | {dw:.1f} | {dc:.1f} | {dossier_pages / dw:.2f} | {dr} |")
print(f"\ndossier pages/s ÷ tesseract pages/s = {(dossier_pages / dw) / (cli_pages / cw):.2f}")

print()
print("| image with ground truth | CER tesseract CLI | CER dossier | difference (points) |")
print("|---|---|---|---|")
images = os.path.join(work, "images")
for gt in sorted(f for f in os.listdir(images) if f.endswith(".gt")):
    stem = gt[:-3]
    image = next((f for f in os.listdir(images) if f.startswith(stem + ".") and not f.endswith(".gt")), None)
    if image is None:
        continue
    ref = open(os.path.join(images, gt), encoding="utf-8", errors="replace").read()
    c = cer(cli.get(image, ""), ref)
    d = cer("\n".join(ours.get(image, [])), ref)
    print(f"| {image[4:]} | {100 * c:.2f}% | {100 * d:.2f}% | {100 * (d - c):+.2f} |")
EOF

# PDFs: which pages were OCR'd and which were skipped because they had a text layer.
pdfs="$shared/ocr/ocrmypdf-test-resources"
if [ -d "$pdfs" ]; then
  "$dossier" -p "$work/pdfs" init >/dev/null
  "$dossier" -p "$work/pdfs" config ocr.languages "$langs" >/dev/null
  /usr/bin/time -f '%e %U %S %M' -o "$work/pdfs.time" "$dossier" -p "$work/pdfs" ingest -j "$jobs" "$pdfs" >/dev/null
  "$py" - "$work" <<'EOF'
import os, sqlite3, sys
work = sys.argv[1]
db = sqlite3.connect(os.path.join(work, "pdfs", "dossier.db"))
q = lambda sql: db.execute(sql).fetchone()[0]
pages = q("SELECT count(*) FROM pages p JOIN documents d ON d.id = p.doc_id WHERE d.type = 'pdf'")
ocr = q("SELECT count(*) FROM pages p JOIN documents d ON d.id = p.doc_id WHERE d.type = 'pdf' AND p.ocr = 1")
native = q("SELECT count(*) FROM pages p JOIN documents d ON d.id = p.doc_id WHERE d.type = 'pdf' AND p.ocr = 0 AND length(trim(p.text)) > 0")
blank = pages - ocr - native
wall = float(open(os.path.join(work, "pdfs.time")).read().split()[0])
print()
print("| ocrmypdf test PDFs | pages | OCR'd | skipped: had text | no text, nothing painted | wall s |")
print("|---|---|---|---|---|---|")
print(f"| dossier ingest | {pages} | {ocr} | {native} | {blank} | {wall:.1f} |")
EOF
fi
