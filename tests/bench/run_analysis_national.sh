#!/bin/bash
# Issue #9's headline comparison in one command: Bando vs PostGIS vs SpatiaLite at national (or
# province) size, all three from the SAME GeoPackage, results checked equal, one table printed.
#   tests/bench/run_analysis_national.sh BUILD_DIR [national|province]
# 1. bando_bench_analysis SIZE --gpkg: generates the synthetic country (fixed seed: 80,000 villages,
#    2,000,000 shops, good/weak coverage of 3 operators x 2 technologies from 15,000 sites each),
#    writes villages, shops, coverage through Bando's store, reads them back (cold, then warm) and
#    times (a) shops per village and (b) covered area per village per operator x technology x level
#    on the loaded layers.
# 2. PostGIS (throw-away PostgreSQL 15 cluster on 127.0.0.1, started and stopped here as the
#    postgres user; 2 parallel workers): ogr2ogr load of the same file, GiST indexes, ANALYZE; (a) by
#    LATERAL count; (b) on coverage cut by ST_Subdivide(…, 256) in EPSG:9215 (the cut is timed as
#    preparation, with ST_MakeValid on the villages: GEOS refuses the few self-touching synthetic
#    villages), ST_CoveredBy first, else ST_Area(ST_Intersection); every PG_B_EVERY-th village
#    (default 1: all), its time scaled by PG_B_EVERY.
# 3. SpatiaLite 5 (sqlite3 CLI with mod_spatialite): ogr2ogr load into a SpatiaLite database with spatial indexes;
#    (a) by a correlated count through the SpatialIndex; (b) on the PostGIS pieces copied over
#    (SpatiaLite has no ST_Subdivide), every SL_B_EVERY-th village (default 4 at national size),
#    its time scaled by SL_B_EVERY.
# Checks: per-village shop counts equal exactly; areas within 1e-6 of the village area.
# Needs root, postgresql-15-postgis-3, sqlite3, libsqlite3-mod-spatialite. Not run by CI. See docs/PERFORMANCE.md.
set -euo pipefail
BUILD=$(realpath "$1")
SIZE=${2:-national}
if [ "$SIZE" = national ]; then SLB=${SL_B_EVERY:-4}; else SLB=${SL_B_EVERY:-1}; fi
PGB=${PG_B_EVERY:-1}  # PostGIS (b) on every PG_B_EVERY-th village, time scaled (default: all)
PORT=${PGPORT_BENCH:-54329}
PG=/usr/lib/postgresql/15/bin
cmake --build "$BUILD" --target bando_bench_analysis -j2 >/dev/null
WORK=$(mktemp -d /tmp/bando-national.XXXXXX)
chmod 755 "$WORK"
mkdir "$WORK/pg" && chown postgres "$WORK/pg"
stop() {
    runuser -u postgres -- "$PG/pg_ctl" -D "$WORK/pg/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap stop EXIT
load() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
evict() { python3 -c "import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)" "$1"; }
# CPU seconds (user + sys) of the postgres server processes so far
# (the postmaster's own and its reaped children's: backends and parallel workers)
pgcpu() {
    sleep 0.3
    awk -v t="$(getconf CLK_TCK)" '{print ($14 + $15 + $16 + $17) / t}' "/proc/$(head -1 "$WORK/pg/data/postmaster.pid")/stat"
}
L0=$(load)
echo "== Bando: bando_bench_analysis $SIZE --gpkg (load average $L0)"
/usr/bin/time -f "%e %U %S %M" -o "$WORK/bt" "$BUILD/tests/bench/bando_bench_analysis" "$SIZE" --gpkg "$WORK/p.gpkg" | tee "$WORK/bando.txt"
chmod 644 "$WORK/p.gpkg"
num() { grep "$1" "$WORK/bando.txt" | sed -E "s/.*$2 ([0-9.]+) s wall, ([0-9.]+) s CPU.*/\1 \2/"; }
read -r BA_W BA_C < <(num '^(a)' 'village, from the GeoPackage:')
read -r BB_W BB_C < <(num '^(b)' '\(indexed\):')
read -r BLC_W BLC_C < <(num '^load cold' 'read the 3 layers')
read -r BLW_W BLW_C < <(num '^load warm' 'read the 3 layers')
read -r BRW_W BRW_C < <(grep '^load warm' "$WORK/bando.txt" | sed -E 's/.*EPSG:9215 ([0-9.]+) s wall, ([0-9.]+) s CPU.*/\1 \2/')

echo "== PostGIS: start the throw-away cluster"
runuser -u postgres -- "$PG/initdb" -D "$WORK/pg/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$PG/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w start -o \
    "-p $PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_parallel_workers_per_gather=2 -c shared_buffers=1GB -c work_mem=128MB -c maintenance_work_mem=512MB -c fsync=off -c synchronous_commit=off" >/dev/null
PSQL="psql -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1 -X -q"
$PSQL -d postgres -c "CREATE DATABASE bench"
$PSQL -d bench -c "CREATE EXTENSION postgis"
$PSQL -d bench -tA -c "SELECT count(*) FROM spatial_ref_sys WHERE srid = 9215" | grep -q 1 ||
    $PSQL -d bench -c "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text) VALUES (9215, 'EPSG', 9215, '+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs')"
# pg STEP SQL: runs SQL, sets T (wall s) and C (server CPU s)
pg() {
    local t0 c0
    c0=$(pgcpu); t0=$(now)
    $PSQL -d bench -c "SET max_parallel_workers_per_gather = 2" -c "$2"
    T=$(since "$t0"); C=$(echo "$(pgcpu) - $c0" | bc)
    printf '  %s: %.2f s wall, %.2f s server CPU (load %s)\n' "$1" "$T" "$C" "$(load)"
}
evict "$WORK/p.gpkg"
LP=$(load); t0=$(now)
/usr/bin/time -f "%U %S" -o "$WORK/ogr" ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$PORT user=postgres dbname=bench" "$WORK/p.gpkg" villages shops coverage \
    -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST -lco FID=fid -gt 100000
$PSQL -d bench -c "ANALYZE"
PL_W=$(since "$t0"); read -r u s <"$WORK/ogr"; PL_C=$(echo "$u + $s" | bc)
printf '  load (ogr2ogr from the GeoPackage, cold, GiST, ANALYZE): %.2f s wall, ogr2ogr CPU %.2f s (load %s)\n' "$PL_W" "$PL_C" "$LP"
pg "(a) LATERAL count" "CREATE TABLE a_counts AS SELECT v.code, c.n FROM villages v CROSS JOIN LATERAL
  (SELECT count(*) AS n FROM shops s WHERE ST_Intersects(v.geom, s.geom)) c"
PA_W=$T; PA_C=$C
pg "(b) preparation: EPSG:9215, ST_Subdivide 256, GiST, ANALYZE" "
CREATE TABLE cov9 AS SELECT operator, technology, level, ST_Subdivide(ST_Transform(geom, 9215), 256) AS geom FROM coverage;
CREATE INDEX ON cov9 USING gist (geom);
CREATE TABLE v9 AS SELECT fid, code, ST_MakeValid(ST_Transform(geom, 9215)) AS geom FROM villages;
CREATE INDEX ON v9 USING gist (geom);
ANALYZE cov9; ANALYZE v9"
PP_W=$T; PP_C=$C
pg "(b) covered area per village x feature, every ${PGB}th village" "CREATE TABLE b_areas AS SELECT v.code, c.operator, c.technology, c.level,
  sum(CASE WHEN ST_CoveredBy(v.geom, c.geom) THEN ST_Area(v.geom) ELSE ST_Area(ST_Intersection(v.geom, c.geom)) END) AS area
  FROM v9 v JOIN cov9 c ON ST_Intersects(v.geom, c.geom) WHERE v.fid % $PGB = 0 GROUP BY 1, 2, 3, 4"
PB_W=$(echo "$T * $PGB" | bc); PB_C=$(echo "$C * $PGB" | bc)
$PSQL -d bench -tA -F, -c "SELECT code, n FROM a_counts" >"$WORK/pg_a.csv"
$PSQL -d bench -tA -F, -c "SELECT code, operator, technology, level, area FROM b_areas" >"$WORK/pg_b.csv"
$PSQL -d bench -tA -F, -c "SELECT code, ST_Area(geom) FROM v9" >"$WORK/v_area.csv"
# the villages the peers repaired (ST_MakeValid above): their areas are compared, but apart
$PSQL -d bench -tA -F, -c "SELECT code FROM villages WHERE NOT ST_IsValid(ST_Transform(geom, 9215))" >"$WORK/pg_invalid.csv"

echo "== SpatiaLite"
evict "$WORK/p.gpkg"
LS=$(load); t0=$(now)
/usr/bin/time -f "%U %S" -o "$WORK/ogr" ogr2ogr -f SQLite -dsco SPATIALITE=YES "$WORK/sl.sqlite" "$WORK/p.gpkg" villages shops \
    -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=YES -gt 100000
SL_W=$(since "$t0"); read -r u s <"$WORK/ogr"; SL_C=$(echo "$u + $s" | bc)
printf '  load (ogr2ogr from the GeoPackage, cold, spatial index): %.2f s wall, %.2f s CPU (load %s)\n' "$SL_W" "$SL_C" "$LS"
t0=$(now)
ogr2ogr -f SQLite -update "$WORK/sl.sqlite" "PG:host=127.0.0.1 port=$PORT user=postgres dbname=bench" cov9 v9 \
    -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=YES -gt 100000
printf '  (b) preparation: copy PostGIS'"'"'s EPSG:9215 pieces and villages: %.2f s wall (not compared)\n' "$(since "$t0")"
# sl STEP SQL: sets T (wall s) and C (CPU s) of the spatialite process
sl() {
    local l
    l=$(load)
    /usr/bin/time -f "%e %U %S" -o "$WORK/slt" sqlite3 -batch -csv -cmd ".load mod_spatialite" "$WORK/sl.sqlite" "$2" >"$WORK/$3"
    read -r T u s <"$WORK/slt"; C=$(echo "$u + $s" | bc)
    printf '  %s: %.2f s wall, %.2f s CPU (load %s)\n' "$1" "$T" "$C" "$l"
}
sl "(a) correlated count through the SpatialIndex" "SELECT v.code, (SELECT count(*) FROM shops s WHERE s.ROWID IN (SELECT ROWID FROM SpatialIndex
  WHERE f_table_name = 'shops' AND f_geometry_column = 'geom' AND search_frame = v.geom) AND ST_Intersects(v.geom, s.geom))
FROM villages v;" sl_a.csv
SA_W=$T; SA_C=$C
sl "(b) every ${SLB}th village, pieces through the SpatialIndex" "SELECT v.code, c.operator, c.technology, c.level,
  sum(CASE WHEN ST_CoveredBy(v.geom, c.geom) THEN ST_Area(v.geom) ELSE ST_Area(ST_Intersection(v.geom, c.geom)) END)
FROM v9 v JOIN cov9 c ON c.ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'cov9' AND f_geometry_column = 'geom'
  AND search_frame = v.geom) AND ST_Intersects(v.geom, c.geom)
WHERE v.fid % $SLB = 0 GROUP BY 1, 2, 3, 4;" sl_b.csv
SB_W=$(echo "$T * $SLB" | bc); SB_C=$(echo "$C * $SLB" | bc)

echo "== check: the peers' results equal Bando's"
python3 - "$WORK" "$SLB" <<'PY'
import csv, sys
w, every = sys.argv[1], int(sys.argv[2])
def counts(f): return {r[0]: int(r[1]) for r in csv.reader(open(f)) if r}
def areas(f): return {tuple(r[:4]): float(r[4]) for r in csv.reader(open(f)) if r}
va = {r[0]: float(r[1]) for r in csv.reader(open(w + "/v_area.csv")) if r}
ba, pa, sa = counts(w + "/p.gpkg.a.csv"), counts(w + "/pg_a.csv"), counts(w + "/sl_a.csv")
bb, pb, sb = areas(w + "/p.gpkg.b.csv"), areas(w + "/pg_b.csv"), areas(w + "/sl_b.csv")
for name, peer in (("PostGIS", pa), ("SpatiaLite", sa)):
    bad = [c for c in ba if ba[c] != peer.get(c, 0)]
    print(f"(a) {name}: villages {len(peer)}, shops Bando {sum(ba.values())}, {name} {sum(peer.values())}, differing villages {len(bad)} {bad[:5]}")
order = sorted(va)
invalid = {r[0] for r in csv.reader(open(w + "/pg_invalid.csv")) if r}
print(f"(b) villages GEOS calls invalid (the peers work on their ST_MakeValid; Bando's benchmark on the ring as stored): {len(invalid)}")
for name, peer in (("PostGIS", pb), ("SpatiaLite", sb)):
    codes = {k[0] for k in peer}
    keys = set(peer) | {k for k in bb if k[0] in codes}
    worst, above, worstValid, aboveValid, aboveInvalid = 0.0, 0, 0.0, 0, 0
    for k in keys:
        d = abs(bb.get(k, 0.0) - peer.get(k, 0.0)) / va[k[0]]
        worst = max(worst, d); above += d > 1e-6
        if k[0] in invalid:
            aboveInvalid += d > 1e-6
        else:
            worstValid = max(worstValid, d); aboveValid += d > 1e-6
    print(f"(b) {name}: pairs {len(keys)} over {len(codes)} villages, largest difference {worst:.2e} of the village area, pairs above 1e-6: {above}")
    print(f"    on valid villages: largest difference {worstValid:.2e}, pairs above 1e-6: {aboveValid}; on invalid villages: pairs above 1e-6: {aboveInvalid}")
PY

r() { echo "scale=1; $1 / $2" | bc; }
echo
echo "National analysis side by side ($SIZE), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average at the start $L0"
echo
echo "| step | Bando wall / CPU | PostGIS wall / server CPU | SpatiaLite wall / CPU | PostGIS ÷ Bando (wall, CPU) | SpatiaLite ÷ Bando (wall, CPU) |"
echo "|---|---:|---:|---:|---:|---:|"
printf '| load from the GeoPackage, cold | %.2f / %.2f s (read) | %.2f s / — (ogr2ogr %.2f s CPU, GiST, ANALYZE) | %.2f / %.2f s (ogr2ogr, spatial index) | | |\n' "$BLC_W" "$BLC_C" "$PL_W" "$PL_C" "$SL_W" "$SL_C"
printf '| load, warm | %.2f / %.2f s (read) + %.2f / %.2f s (reproject for (b)) | | | | |\n' "$BLW_W" "$BLW_C" "$BRW_W" "$BRW_C"
printf '| (b) preparation | (inside (b)) | %.2f / %.2f s (EPSG:9215, ST_Subdivide, GiST) | PostGIS'"'"'s pieces | | |\n' "$PP_W" "$PP_C"
printf '| (a) shops per village | %.3f / %.3f s | %.2f / %.2f s | %.2f / %.2f s | %s×, %s× | %s×, %s× |\n' "$BA_W" "$BA_C" "$PA_W" "$PA_C" "$SA_W" "$SA_C" \
    "$(r "$PA_W" "$BA_W")" "$(r "$PA_C" "$BA_C")" "$(r "$SA_W" "$BA_W")" "$(r "$SA_C" "$BA_C")"
printf '| (b) covered area per village per operator × technology × level | %.2f / %.2f s | %.2f / %.2f s (×%s scaled) | %.2f / %.2f s (×%s scaled) | %s×, %s× | %s×, %s× |\n' "$BB_W" "$BB_C" "$PB_W" "$PB_C" "$PGB" "$SB_W" "$SB_C" "$SLB" \
    "$(r "$PB_W" "$BB_W")" "$(r "$PB_C" "$BB_C")" "$(r "$SB_W" "$BB_W")" "$(r "$SB_C" "$BB_C")"
read -r w u s kb <"$WORK/bt"
printf '\nBando process: %.1f s wall, %.1f s CPU, peak memory %d MB (generation and writing included)\n' "$w" "$(echo "$u + $s" | bc)" $((kb / 1024))
