#!/bin/bash
# The analysis speed benchmark of issue #9 in one command: prints one table with wall and CPU
# (user + sys) time, peak memory and the machine's load average before each measurement.
#   tests/bench/run_analysis_bench.sh BUILD_DIR [quick|full]
#   quick (default, ~1 min on 2 free cores): the sample `bando analyze --force` (3 runs), the
#          re-run with nothing changed (3 runs), cold vs warm re-run, the province-size benchmark
#   full (adds ~5-8 min): national (a) and (b) in memory (bando_bench_analysis national … b), and
#          the PostGIS / SpatiaLite peers on the sample (run_analysis_peers.sh, needs root and
#          postgresql-15-postgis-3) when PostgreSQL is installed
# Builds what it needs (-j2). Not run by CI. See docs/PERFORMANCE.md ("Analysis").
set -euo pipefail
BUILD=$(realpath "$1")
MODE=${2:-quick}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cmake --build "$BUILD" --target bando bando_bench_analysis -j2 >/dev/null
BANDO="$BUILD/src/cli/bando"
BENCH="$BUILD/tests/bench/bando_bench_analysis"
WORK=$(mktemp -d /tmp/bando-analysis-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }
ROWS=()
# row NAME COMMAND...: runs COMMAND under /usr/bin/time, adds a table row
row() {
    local name=$1 l
    shift
    l=$(load)
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/t" "$@" >"$WORK/out" 2>"$WORK/err"
    read -r wall user sys kb <"$WORK/t"
    ROWS+=("$(printf '| %s | %.2f s | %.2f s | %d MB | %s |' "$name" "$wall" "$(echo "$user + $sys" | bc)" $((kb / 1024)) "$l")")
}
evict() {  # drop the project's pages from the page cache (cold read)
    python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)" "$1"
}

"$BANDO" sample --out "$WORK/s.gpkg" --force >/dev/null
for i in 1 2 3; do row "sample: bando analyze --force (run $i)" "$BANDO" analyze "$WORK/s.gpkg" --force --json; done
BANDO_TIMING=1 "$BANDO" analyze "$WORK/s.gpkg" --force --json 2>"$WORK/steps" >/dev/null
for i in 1 2 3; do row "sample: re-run, nothing changed (run $i)" "$BANDO" analyze "$WORK/s.gpkg" --json; done
evict "$WORK/s.gpkg"
row "sample: re-run, nothing changed, cold (file evicted)" "$BANDO" analyze "$WORK/s.gpkg" --json
row "sample: re-run, nothing changed, warm" "$BANDO" analyze "$WORK/s.gpkg" --json
evict "$WORK/s.gpkg"
row "sample: --force, cold (file evicted)" "$BANDO" analyze "$WORK/s.gpkg" --force --json
row "province benchmark (2,000 villages, 70,000 shops; generation included)" "$BENCH" province
cp "$WORK/out" "$WORK/province.txt"
if [ "$MODE" = full ]; then
    row "national (a) + (b) in memory (generation included; see its lines below)" "$BENCH" national 80000 2000000 15000 b
    cp "$WORK/out" "$WORK/national.txt"
fi

echo "Analysis benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git -C "$SRC" rev-parse --short HEAD)"
echo
echo "| measurement | wall | CPU (user + sys) | peak memory | load average before |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Steps of one sample --force run (BANDO_TIMING=1):"
cat "$WORK/steps"
echo
echo "Province benchmark output:"
cat "$WORK/province.txt"
if [ "$MODE" = full ]; then
    echo
    echo "National benchmark output (the (a)/(b) lines time the computation on loaded layers):"
    cat "$WORK/national.txt"
    if [ -x /usr/lib/postgresql/15/bin/initdb ] && [ "$(id -u)" = 0 ]; then
        echo
        echo "PostGIS and Bando on the sample (run_analysis_peers.sh):"
        "$SRC/tests/bench/run_analysis_peers.sh" "$BUILD" "$WORK/s.gpkg"
    fi
fi
