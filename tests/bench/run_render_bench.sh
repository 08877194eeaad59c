#!/bin/sh
# Rendering benchmark: Bando vs QGIS on the same GeoPackage, in the same run.
# Usage: tests/bench/run_render_bench.sh BUILD_DIR [PROJECT.gpkg] [N=11]
#   BUILD_DIR must contain src/cli/bando and tests/bench/bando_bench_render
#   (cmake --build BUILD_DIR --target bando bando_bench_render bando_bench_canvas).
#   Issue #13: bando_bench_render's pan_whole / pan_cache lines are the province redraw after
#   pan/zoom (all 112,000 shops) without and with the frame cache; then, when
#   tests/bench/bando_bench_canvas is built and xvfb-run exists, the app's canvas at national
#   size (80,000 villages, 2,000,000 shops): UI-thread gaps while rendering (BANDO_BENCH_CANVAS=0
#   skips it). About 1-2 minutes in all on 2 cores.
#   Without PROJECT the sample is generated into BUILD_DIR/bench/lang-son-sample.gpkg.
#   QGIS (Debian: apt-get install qgis python3-qgis) is optional; without it only Bando runs.
set -eu
build=${1:?usage: run_render_bench.sh BUILD_DIR [PROJECT] [N]}
here=$(cd "$(dirname "$0")" && pwd)
out="$build/bench"
mkdir -p "$out"
project=${2:-}
n=${3:-11}
if [ -z "$project" ]; then
  project="$out/lang-son-sample.gpkg"
  "$build/src/cli/bando" sample --out "$project" --force >/dev/null
fi
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# project: $project"
bando_out=$("$build/tests/bench/bando_bench_render" "$project" "$n" "$out")
echo "$bando_out"
bando_png=$(echo "$bando_out" | awk '$1 == "png" { print $3 }')
bando_cpu=$(echo "$bando_out" | awk '$1 == "png" { print $9 }')
py=${BANDO_QGIS_PYTHON:-/usr/bin/python3}  # Debian's python3-qgis lives in the system Python
if "$py" -c 'import qgis.core' 2>/dev/null; then
  qgis_out=$(QT_QPA_PLATFORM=offscreen "$py" "$here/qgis_render.py" "$project" "$n" "$out/qgis-province.png" 2>/dev/null | grep '^qgis_png')
  echo "$qgis_out"
  qgis_png=$(echo "$qgis_out" | awk '{ print $3 }')
  qgis_cpu=$(echo "$qgis_out" | awk '{ print $9 }')
  awk -v b="$bando_png" -v q="$qgis_png" -v bc="$bando_cpu" -v qc="$qgis_cpu" \
    'BEGIN { printf "ratio     QGIS/Bando 1920x1080 redraw: wall %.1fx, cpu %.1fx\n", q / b, qc / bc }'
else
  echo "qgis_png  (QGIS not installed: apt-get install qgis python3-qgis)"
fi
canvas="$build/tests/bench/bando_bench_canvas"
if [ "${BANDO_BENCH_CANVAS:-1}" != 0 ] && [ -x "$canvas" ] && command -v xvfb-run >/dev/null; then
  echo "# national-size canvas (bando_bench_canvas), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  xvfb-run -a -s "-screen 0 1600x1000x24" "$canvas" | grep -v '^# load'
else
  echo "canvas    (not run: build bando_bench_canvas and install xvfb)"
fi
