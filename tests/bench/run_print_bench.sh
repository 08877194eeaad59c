#!/bin/sh
# Print layout benchmark (issue #12): Bando vs QGIS 3.22's print layout export, same GeoPackage,
# same A3 landscape page, in the same run.
# Usage: tests/bench/run_print_bench.sh BUILD_DIR PROJECT.gpkg [N=3] [NATIONAL.gpkg]
#   PROJECT must be analysed (bando analyze) so that both draw the coverage classes.
#   NATIONAL: the national-size project of bando_bench_print_national (80,000 villages); its
#   A3 map page (village labels, graticule) is timed too, and by QGIS with BANDO_QGIS_NATIONAL=1.
#   QGIS (Debian python3-qgis, /usr/bin/python3, headless) is optional.
set -eu
build=${1:?usage: run_print_bench.sh BUILD_DIR PROJECT.gpkg [N]}
project=${2:?usage: run_print_bench.sh BUILD_DIR PROJECT.gpkg [N]}
n=${3:-3}
national=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
out="$build/bench/print"
mkdir -p "$out"
bando="$build/src/cli/bando"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
run() {  # name, then the bando arguments; prints the best wall and CPU time of n runs and the size
  name=$1; shift
  best=""; bestcpu=""
  i=0
  while [ "$i" -lt "$n" ]; do
    /usr/bin/time -f "%e %U %S" -o "$out/time" "$bando" "$@" >/dev/null
    read -r wall user sys < "$out/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
    if [ -z "$bestcpu" ] || awk -v a="$cpu" -v b="$bestcpu" 'BEGIN { exit !(a < b) }'; then bestcpu=$cpu; fi
    i=$((i + 1))
  done
  echo "bando_print_$name  min wall $best s  min cpu $bestcpu s  size $(stat -c %s "$last") bytes  (n=$n, end to end)"
}
last="$out/bando-province.pdf"
run province render "$project" --layout map --theme coverage --out "$last"
last="$out/bando-atlas.pdf"
run atlas render "$project" --atlas districts --theme coverage --out "$last"
last="$out/bando-gaps.pdf"
run gaps report "$project" --kind gaps --out "$last"
if [ -n "$national" ]; then
  last="$out/bando-national.pdf"
  run national render "$national" --layout map --out "$last"
fi
py=${BANDO_QGIS_PYTHON:-/usr/bin/python3}
if "$py" -c 'import qgis.core' 2>/dev/null; then
  QT_QPA_PLATFORM=offscreen "$py" "$here/bench_print_qgis.py" "$project" "$out" "$n" 2>/dev/null | grep '^qgis_print'
  if [ -n "$national" ] && [ "${BANDO_QGIS_NATIONAL:-0}" = 1 ]; then
    mkdir -p "$out/national"
    QT_QPA_PLATFORM=offscreen "$py" "$here/bench_print_qgis.py" "$national" "$out/national" 1 --province-only 2>/dev/null |
      grep '^qgis_print' | sed 's/^qgis_print_province/qgis_print_national/'
  fi
else
  echo "qgis_print (QGIS not installed: apt-get install python3-qgis)"
fi
