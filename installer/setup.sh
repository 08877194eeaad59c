#!/usr/bin/env bash
# Bando set-up on Debian 12 (as root, or with sudo available):
#   bash installer/setup.sh run    install what is missing, build, open the app on the Lạng Sơn
#                                  sample (with no display: render the sample to a PDF instead)
#   bash installer/setup.sh test   install what is missing, build, run every test (ctest), then
#                                  the sanitizer build (build-asan: ASan + UBSan, gcc) and its tests,
#                                  and a 30-second smoke of each fuzz target (build-fuzz: clang,
#                                  libFuzzer). BANDO_SANITIZERS=0 skips those two (docs/FUZZING.md).
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
      coinor-libcbc-dev coinor-cbc  # exact MIPs (libCbc) and the `cbc` peer of the MCLP benchmark (issue #11)
      xvfb xauth imagemagick poppler-utils qpdf
      libxlsxwriter-dev python3-openpyxl  # report XLSX (issue #12) and the test reading it back
      clang libclang-rt-14-dev)  # fuzzing (libFuzzer + ASan/UBSan runtimes: docs/FUZZING.md)

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
    (cd "$BUILD" && ctest --output-on-failure -j "$JOBS" --timeout 600)
    if [ "${BANDO_SANITIZERS:-1}" != 0 ]; then
      # ASan + UBSan (gcc): the core, the CLI and every unit and integration test (no GUI).
      t0=$(date +%s)
      ASAN="${BUILD}-asan"
      cmake -S . -B "$ASAN" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBANDO_SANITIZE=ON -DBANDO_BUILD_GUI=OFF >/dev/null
      cmake --build "$ASAN" -j "$JOBS" --target bando bando_unit_tests bando_integration_tests
      # The kill harness and the SpatiaLite cross-check run in the normal build only: under ASan they
      # would add minutes and exercise no code the other tests do not.
      (cd "$ASAN" && ctest --output-on-failure -j "$JOBS" --timeout 900 -E 'kill harness|analysis_vs_spatialite')
      t1=$(date +%s)
      # libFuzzer (clang): each target fuzzes its seed corpus for 30 s, after replaying the seeds
      # and every input that once crashed (tests/regressions/<target>/).
      FUZZ="${BUILD}-fuzz"
      cmake -S . -B "$FUZZ" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBANDO_FUZZ=ON -DBANDO_BUILD_GUI=OFF \
        -DBANDO_BUILD_TESTS=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
      cmake --build "$FUZZ" -j "$JOBS" --target fuzz_encoding fuzz_csv fuzz_unit_match fuzz_import fuzz_expr
      (cd "$FUZZ" && ctest --output-on-failure -j "$JOBS" -L fuzz)
      t2=$(date +%s)
      echo "setup: sanitizer build + tests $((t1 - t0)) s, fuzz build + smoke $((t2 - t1)) s"
    fi
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
