#pragma once
// Direct GeoPackage access on GDAL's own sqlite3 connection (issue #9): the project store's bulk
// writes bind rows to one prepared INSERT instead of building an OGRFeature per row, and encode
// the geometry blob here. Everything runs on the connection of the open GDAL dataset, so it stays
// inside the store's transaction. The file's triggers fire as for any writer, except the R-tree
// insert and feature-count triggers, whose effect the store applies itself (an empty R-tree is
// bulk-loaded, bulkLoadRtree below).
#include "core/model/geometry.hpp"

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;

namespace bando::gpkg {

// The GeoPackage geometry blob GDAL 3.6 writes for `g` (byte for byte): "GP", version 0, flags
// (little-endian; envelope type 1 = XY, none for a point), srs_id, the envelope minx maxx miny
// maxy, then the ISO WKB. `asType` promotes a Polygon to a MultiPolygon or a LineString to a
// MultiLineString (the layer's type); pass g.type to keep it. `env` receives the envelope.
// `g` must have at least one point.
void encodeBlob(const Geometry& g, GeomType asType, int32_t srsId, std::vector<uint8_t>& out, Extent& env);

// The WKB inside a GeoPackage geometry blob: its offset past the header and envelope, or -1 when
// `blob` is not a valid GeoPackage geometry. `empty` is set from the header's empty flag.
long wkbOffset(const uint8_t* blob, size_t size, bool& empty);

// A trigger of the file as SQLite stores it.
struct Trigger {
    std::string name;
    std::string sql;
};
// The triggers on `table` (sqlite_master order).
std::vector<Trigger> triggersOn(sqlite3* db, const std::string& table);

// Runs one statement without results; throws bando::Error(Store, where, ...) on failure.
void exec(sqlite3* db, const std::string& sql, const std::string& where);

// ---- the R-tree of a GeoPackage geometry column, bulk-loaded (issue #9) ----

// SQLite's rtree module stores each bound as a 32-bit float, the minimum rounded down and the
// maximum rounded up (rtreeValueDown / rtreeValueUp in SQLite's rtree.c), so the box holds the
// double envelope.
float rtreeDown(double d);
float rtreeUp(double d);

// One R-tree entry: the feature id and its envelope (doubles; rounded when written).
struct RtreeEntry {
    int64_t id = 0;
    double minX = 0, maxX = 0, minY = 0, maxY = 0;
};

// The node size in bytes of `rtree` when it is a 2-D R-tree as GDAL makes it (`USING rtree(id,
// minx, maxx, miny, maxy)`, the three shadow tables with SQLite's layout) with no entry at all and
// its shadow tables writable; 0 otherwise (then entries go in through the rtree module).
int emptyRtreeNodeSize(sqlite3* db, const std::string& rtree);

// Writes `entries` (distinct ids) into the empty R-tree `rtree` (emptyRtreeNodeSize gave
// `nodeSize`) as a Sort-Tile-Recursive packed tree, straight into its shadow tables (_node,
// _rowid, _parent), the root as node 1 holding the depth: the tree SQLite reads and updates as
// its own, with the same floats per entry as one INSERT per entry stores. Throws
// bando::Error(Store, where, ...) on failure (the caller's transaction undoes what was written).
void bulkLoadRtree(sqlite3* db, const std::string& rtree, int nodeSize, std::vector<RtreeEntry> entries,
                   const std::string& where);

// GDAL's last_change stamp: OGR_CURRENT_DATE when set (the sample pins it), else stampTime()
// (SOURCE_DATE_EPOCH) as "YYYY-MM-DDTHH:MM:SS.000Z".
std::string lastChangeStamp();

} // namespace bando::gpkg
