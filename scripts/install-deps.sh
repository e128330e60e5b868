#!/usr/bin/env bash
# Installs every Debian package that dossier's build, tests and benchmarks need.
# Idempotent: packages already present are left alone; apt-get runs only when one is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libxapian-dev xapian-tools
  libsqlite3-dev
  libmupdf-dev libmujs-dev libgumbo-dev libopenjp2-7-dev libjbig2dec0-dev libjpeg-dev
  libfreetype-dev libharfbuzz-dev
  libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra
  tesseract-ocr-uig tesseract-ocr-osd
  libgmime-3.0-dev libpff-dev libbfio-dev pff-tools
  libarchive-dev libxml2-dev zlib1g-dev
  libicu-dev libuchardet-dev libopencc-dev opencc libcld2-dev
  libre2-dev
  libssl-dev libsodium-dev
  libexiv2-dev libmagic-dev
  libcpp-httplib-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libseccomp-dev
  # peers for tests and benchmarks
  recollcmd poppler-utils time bc python3-dkim tesseract-ocr
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
