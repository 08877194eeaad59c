#!/bin/bash
# Side-by-side: Bando vs PostGIS (and SpatiaLite through the analysis_vs_spatialite check) on the
# same GeoPackage, for (a) shops per village and (b) good-coverage area per village per operator x
# technology. PostGIS runs in a throw-away cluster on 127.0.0.1 that this script starts and stops
# (runuser -u postgres; GiST indexes; 2 parallel workers; LATERAL; ST_Subdivide). Loads are timed
# separately. Results are checked equal. Not run by CI. See docs/PERFORMANCE.md.
#   tests/bench/run_analysis_peers.sh BUILD_DIR PROJECT.gpkg
# Needs (root): apt-get install postgresql-15-postgis-3
set -euo pipefail
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
PORT=${PGPORT_BENCH:-54329}
PG=/usr/lib/postgresql/15/bin
WORK=$(mktemp -d /tmp/bando-peers.XXXXXX)
chmod 755 "$WORK"
cp "$SRC" "$WORK/p.gpkg"
chmod 644 "$WORK/p.gpkg"
mkdir "$WORK/pg" && chown postgres "$WORK/pg"
stop() {
    runuser -u postgres -- "$PG/pg_ctl" -D "$WORK/pg/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap stop EXIT
runuser -u postgres -- "$PG/initdb" -D "$WORK/pg/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$PG/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w start -o \
    "-p $PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_parallel_workers_per_gather=2 -c shared_buffers=512MB -c work_mem=64MB" >/dev/null
PSQL="psql -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1 -X -q"
$PSQL -d postgres -c "CREATE DATABASE bench"
$PSQL -d bench -c "CREATE EXTENSION postgis"
$PSQL -d bench -tA -c "SELECT count(*) FROM spatial_ref_sys WHERE srid = 9215" | grep -q 1 ||
    $PSQL -d bench -c "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text) VALUES (9215, 'EPSG', 9215, '+proj=tmerc +lat_0=0 +lon_0=107.25 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278 +units=m +no_defs')"

echo "== load (ogr2ogr from the GeoPackage, GiST indexes)"
t0=$(date +%s.%N)
ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$PORT user=postgres dbname=bench" "$WORK/p.gpkg" villages shops coverage \
    -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST -lco FID=fid
$PSQL -d bench -c "ANALYZE"
echo "PostGIS load: $(echo "$(date +%s.%N) - $t0" | bc) s"

echo "== Bando (BANDO_TIMING=1, everything recomputed)"
/usr/bin/time -f "Bando analyze end to end: %e s wall, %U s user, %S s sys" \
    env BANDO_TIMING=1 "$BUILD/src/cli/bando" analyze "$WORK/p.gpkg" --force --json >"$WORK/bando.json"

echo "== PostGIS (a) shops per village (LATERAL, 2 parallel workers)"
$PSQL -d bench <<SQL
\timing on
SET max_parallel_workers_per_gather = 2;
CREATE TABLE a_counts AS SELECT v.code, c.n FROM villages v CROSS JOIN LATERAL
  (SELECT count(*) AS n FROM shops s WHERE ST_Intersects(v.geom, s.geom)) c;
SQL
echo "== PostGIS (b) good-coverage area per village per operator x technology (EPSG:9215, ST_Subdivide)"
$PSQL -d bench <<SQL
\timing on
SET max_parallel_workers_per_gather = 2;
CREATE TABLE cov9 AS SELECT operator, technology, ST_Subdivide(ST_Transform(geom, 9215), 256) AS geom
  FROM coverage WHERE level = 'good';
CREATE INDEX ON cov9 USING gist (geom);
CREATE TABLE v9 AS SELECT code, ST_Transform(geom, 9215) AS geom FROM villages;
CREATE INDEX ON v9 USING gist (geom);
ANALYZE cov9; ANALYZE v9;
CREATE TABLE b_areas AS SELECT v.code, c.operator, c.technology,
  sum(CASE WHEN ST_CoveredBy(v.geom, c.geom) THEN ST_Area(v.geom) ELSE ST_Area(ST_Intersection(v.geom, c.geom)) END) AS area
  FROM v9 v JOIN cov9 c ON ST_Intersects(v.geom, c.geom) GROUP BY 1, 2, 3;
SQL
echo "== check: PostGIS results equal Bando's"
$PSQL -d bench -tA -F, -c "SELECT code, n FROM a_counts ORDER BY code" >"$WORK/pg_a.csv"
$PSQL -d bench -tA -F, -c "SELECT code, operator, technology, area FROM b_areas ORDER BY 1, 2, 3" >"$WORK/pg_b.csv"
python3 - "$WORK" <<'PY'
import csv, sqlite3, sys
w = sys.argv[1]
db = sqlite3.connect(w + "/p.gpkg")
date = db.execute("SELECT max(date) FROM village_indicators").fetchone()[0]
bando = {c: n for c, n in db.execute("SELECT village_code, shops FROM village_indicators WHERE date = ?", (date,))}
area = {c: a for c, a in db.execute("SELECT village_code, area_km2 FROM village_indicators WHERE date = ?", (date,))}
pg = {r[0]: int(r[1]) for r in csv.reader(open(w + "/pg_a.csv"))}
bad = [c for c in bando if bando[c] != pg.get(c, 0)]
print(f"(a) villages {len(bando)}, shops Bando {sum(bando.values())}, PostGIS {sum(pg.values())}, differing villages {len(bad)}")
share = {(c, o, t): g for c, o, t, g in db.execute(
    "SELECT village_code, operator, technology, area_good_share FROM village_coverage WHERE technology != 'any'")}
worst, n, badb = 0.0, 0, 0
for c, o, t, a in csv.reader(open(w + "/pg_b.csv")):
    b = share.get((c, o, t), 0.0) * area[c] * 1e6
    d = abs(b - float(a)) / max(area[c] * 1e6, 1)
    worst = max(worst, d); n += 1; badb += d > 1e-6
print(f"(b) pairs {n}, largest difference {worst:.2e} of the village area, pairs above 1e-6: {badb}")
PY
