#!/usr/bin/env bash
# SPLAT! 1.4.2 (-olditm) vs bando's ITM coverage, one site, same 3" DEM, in one run (issue #16).
#
#   tests/bench/run_predict_splat.sh BUILD_DIR WORK_DIR [REPS]
#
# Needs Debian's `splat` (a benchmark peer only, not a Bando dependency) and ../shared/rf (the
# synthetic Lang Son DEM generator and SDF conversion). Writes WORK_DIR/predict_vs_splat.tsv
# (every run) and WORK_DIR/accuracy.tsv, and prints the side-by-side table (medians of REPS runs):
# CPU and wall against SPLAT!, the engine's per-thread CPU (balance) and the parallel efficiency,
# the estimated wall on two idle cores, and the accuracy against SPLAT!'s ITM. About a minute on
# two idle cores with REPS = 3 (the DEM and SDF tiles are made once per WORK_DIR). Build first:
#   cmake --build BUILD_DIR --target bando_bench_predict
set -euo pipefail
BUILD=$(readlink -f "${1:?BUILD_DIR}")
WORK=${2:?WORK_DIR}
REPS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
RF=$(readlink -f "$HERE/../../../shared/rf" 2>/dev/null || true)
[ -d "$RF/splat" ] || RF=/work/shared/rf
[ -d "$RF/splat" ] || { echo "no ../shared/rf/splat: cannot build the DEM" >&2; exit 2; }
command -v splat >/dev/null || { echo "splat is not installed (apt-get install splat)" >&2; exit 2; }
mkdir -p "$WORK"
WORK=$(readlink -f "$WORK")
DEM=$WORK/dem/langson_synth_3as.tif
[ -f "$DEM" ] || /usr/bin/python3 "$RF/splat/make_dem.py" --out "$DEM"
[ -d "$WORK/sdf3/sdf" ] || bash "$RF/splat/dem_to_sdf.sh" "$DEM" "$WORK/sdf3" 3
# SPLAT! reads the tiles and builds its map from them; bando reads the same tiles (.hgt mosaic).
gdalbuildvrt -q -overwrite "$WORK/hgt3.vrt" "$WORK"/sdf3/hgt/*.hgt

LAT=21.8530 LON=106.7610 H=30 F=900 R=30
RUN=$WORK/run
mkdir -p "$RUN"
cd "$RUN"
printf 'BTS Lang Son city (valley)\n%s\n%s\n%s meters\n' "$LAT" "$(/usr/bin/python3 -c "print(f'{360.0 - $LON:.6f}')")" "$H" > bts_ls01.qth
sed "s/^900.000 /$(printf '%.3f' "$F") /" "$RF/splat/sites/splat_common.lrp" > bts_ls01.lrp

OUT=$WORK/predict_vs_splat.tsv
printf 'run\trep\twall_s\tuser_s\tsys_s\tmax_rss_kb\tload1_before\tload1_after\n' > "$OUT"
timed() {  # LABEL REP command...
  local label=$1 rep=$2; shift 2
  local t0 t1 l0 l1
  l0=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U\t%S\t%M' -o t.tmp "$@" > "$label.log" 2>&1
  t1=$(date +%s.%N)
  l1=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$rep" "$(/usr/bin/python3 -c "print(f'{$t1-$t0:.3f}')")" "$(tail -1 t.tmp)" "$l0" "$l1" >> "$OUT"
  tail -1 "$OUT" >&2
}
# Our configurations E:S:CELL:DH: ITM every E profile samples (90 m), radials at most S output
# cells of CELL m apart, delta_h reused until the prefix grew by DH (0 = exact ITM per prefix).
# 1:1:90 is SPLAT!'s own density; 2:1:250 is `bando predict --model itm`'s default.
CONFIGS=${CONFIGS:-"1:1:90:0 1:1:90:0.02 3:3:90:0.02 2:1:250:0.02"}
name() { local IFS=:; set -- $1; echo "e${1}_s${2}_c${3}_dh${4}"; }
for ((i = 1; i <= REPS; i++)); do
  timed splat_itm "$i" splat -t bts_ls01 -L 1.5 -metric -R $R -d "$WORK/sdf3/sdf" -N -olditm -erp 0 -ano pl_itm.ano -o pl_itm
  for c in $CONFIGS; do
    IFS=: read -r e s cell dh <<< "$c"
    n=$(name "$c")
    timed "bando_$n" "$i" "$BUILD/tests/bench/bando_bench_predict" "$WORK/hgt3.vrt" $LAT $LON $H $F $R "ours_$n.tif" \
      --climate 5 --threads 2 --cell "$cell" --every "$e" --spacing "$s" --dh-refresh "$dh"
    cp "bando_$n.log" "bando_$n.$i.json"
  done
done
ACC=$WORK/accuracy.tsv
printf 'config\tmedian_abs_dl_db\tmean_dl_db\trms_dl_db\tp90_abs_dl_db\twithin_3db_pct\tcompared\n' > "$ACC"
for c in $CONFIGS; do
  n=$(name "$c")
  /usr/bin/python3 "$HERE/compare_splat.py" pl_itm.ano "ours_$n.tif" $LAT $LON --min-km 1 --max-km $R |
    /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); print('\t'.join(str(x) for x in ['$n', j['median_abs_dl_db'], j['mean_dl_db'], j['rms_dl_db'], j['p90_abs_dl_db'], j['within_3db_pct'], j['compared']]))" >> "$ACC"
done
cat "$ACC"
/usr/bin/python3 - "$OUT" "$RUN" "$CONFIGS" "$ACC" <<'PY'
import csv, json, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
acc = {r["config"]: r for r in csv.DictReader(open(sys.argv[4]), delimiter="\t")}
def med(run, f):
    v = [f(r) for r in rows if r["run"] == run]
    return statistics.median(v) if v else float("nan")
def stats(run):
    # bando_bench_predict prints two JSON lines: timings (stdout) and the engine's per-thread
    # diagnostics (stderr); one merged dict per rep.
    out = []
    for rep in sorted({r["rep"] for r in rows if r["run"] == run}):
        p = f"{sys.argv[2]}/{run}.{rep}.json"
        d = {}
        for line in open(p):
            line = line.strip()
            if line.startswith("{"):
                d.update(json.loads(line))
        out.append(d)
    return out
cpu = lambda r: float(r["user_s"]) + float(r["sys_s"])
wall = lambda r: float(r["wall_s"])
s_cpu, s_wall = med("splat_itm", cpu), med("splat_itm", wall)
loads = [float(r[k]) for r in rows for k in ("load1_before", "load1_after")]
print(f"load average (1 min) during the runs: {min(loads):.1f}-{max(loads):.1f}")
print(f"SPLAT! 1.4.2 -olditm (one thread): cpu {s_cpu:.2f} s, wall {s_wall:.2f} s")
cols = ["config (E:S:CELL:DH)", "ITM evals", "cpu_s", "cpu_ratio", "par_cpu_s", "thread_cpu_s", "balance",
        "serial_cpu_s", "est_wall_2idle_s", "est_wall_ratio", "wall_s", "wall_ratio", "par_eff_wall",
        "median_abs_dl_db", "p90_abs_dl_db"]
print("\t".join(cols))
for c in sys.argv[3].split():
    e, s, cell, dh = c.split(":")
    run = f"bando_e{e}_s{s}_c{cell}_dh{dh}"
    st = stats(run)
    c_cpu, c_wall = med(run, cpu), med(run, wall)
    # Parallel phases: the radials and the interpolation, per thread. Serial = the rest of the
    # process (start, terrain read and warp, GeoTIFF write).
    per_thread = [statistics.median(a[i] + b[i] for a, b in ((d["radial_thread_cpu_s"], d["interpolation_thread_cpu_s"]) for d in st))
                  for i in range(len(st[0]["radial_thread_cpu_s"]))]
    par = sum(per_thread)
    balance = min(per_thread) / max(per_thread)
    serial = c_cpu - par
    est = serial + max(per_thread)  # two idle cores: the busier thread's share after the serial part
    par_wall = statistics.median(d["radial_wall_s"] + d["interpolation_wall_s"] for d in st)
    eff = par / (len(per_thread) * par_wall)  # 1 = both cores busy all through the parallel phases
    a = acc.get(run[len("bando_"):], {})
    print("\t".join([c, str(st[0]["evaluations"]), f"{c_cpu:.3f}", f"{s_cpu / c_cpu:.1f}x", f"{par:.3f}",
                     "/".join(f"{x:.3f}" for x in per_thread), f"{balance:.2f}", f"{serial:.3f}", f"{est:.3f}",
                     f"{s_cpu / est:.1f}x", f"{c_wall:.3f}", f"{s_wall / c_wall:.1f}x", f"{eff:.2f}",
                     a.get("median_abs_dl_db", "?"), a.get("p90_abs_dl_db", "?")]))
PY
