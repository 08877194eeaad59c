#!/usr/bin/env bash
# Bando set-up on Debian 12 (as root, or with sudo available):
#   bash installer/setup.sh run    install what is missing, build, open the app on the Lạng Sơn
#                                  sample (with no display: render the sample to a PDF instead)
#   bash installer/setup.sh test   install what is missing, build, run every test (ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
BUILD="${BANDO_BUILD_DIR:-build}"
JOBS="${BANDO_JOBS:-$(nproc)}"

# Debian 12 packages: build tools, the fixed stack, and what the tests use to inspect output.
PKGS=(cmake g++ make pkg-config gettext
      libwxgtk3.2-dev libgdal-dev gdal-bin python3-gdal libproj-dev proj-data libgeos-dev
      libspatialite-dev libsqlite3-dev libcairo2-dev libfreetype-dev libfontconfig-dev libicu-dev
      catch2 fonts-dejavu-core
      xvfb xauth imagemagick poppler-utils qpdf)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j "$JOBS"

case "$mode" in
  test)
    cd "$BUILD"
    ctest --output-on-failure -j "$JOBS" --timeout 600
    ;;
  run)
    sample="$BUILD/lang-son-sample.gpkg"
    "$BUILD/src/cli/bando" sample --out "$sample" --force
    if [ -n "${DISPLAY:-}" ] && [ -x "$BUILD/src/app/bando-gui" ]; then
      exec "$BUILD/src/app/bando-gui" "$sample"
    else
      pdf="$BUILD/lang-son-sample.pdf"
      "$BUILD/src/cli/bando" render "$sample" --out "$pdf" --paper A3 --landscape
      echo "No display: rendered the Lạng Sơn sample to $(realpath "$pdf")"
    fi
    ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
